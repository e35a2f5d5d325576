// Sends chat messages without a page reload. Without this script the form
// posts and redirects, and everything still works.
(function () {
  "use strict";
  var form = document.getElementById("chat-form");
  var list = document.getElementById("messages");
  if (!form || !list || !window.fetch) return;
  var box = form.querySelector("textarea");
  var button = form.querySelector("button");

  function append(role, text, tools) {
    var item = document.createElement("li");
    item.className = "message " + role;
    var bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.textContent = text;
    item.appendChild(bubble);
    if (tools && tools.length) {
      var ul = document.createElement("ul");
      ul.className = "tools";
      tools.forEach(function (tool) {
        var li = document.createElement("li");
        var code = document.createElement("code");
        code.textContent = tool.tool;
        li.appendChild(code);
        li.appendChild(document.createTextNode(" " + tool.arguments + " \u2192 " + tool.outcome));
        ul.appendChild(li);
      });
      item.appendChild(ul);
    }
    var hint = list.querySelector(".hint");
    if (hint) hint.remove();
    list.appendChild(item);
    item.scrollIntoView({ block: "end" });
    return item;
  }

  // A conversation started by the script joins the list, as after a reload.
  function listConversation(id, title) {
    var conversations = document.getElementById("conversation-list");
    if (!conversations) return;
    var link = document.createElement("a");
    link.href = "/chat?c=" + id;
    link.setAttribute("aria-current", "page");
    link.textContent = title.slice(0, 80);
    var item = document.createElement("li");
    item.appendChild(link);
    conversations.insertBefore(item, conversations.firstChild);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = box.value.trim();
    if (!text) return;
    var data = new URLSearchParams(new FormData(form));
    append("user", text);
    var pending = append("assistant pending", "\u2026");
    box.value = "";
    button.disabled = true;
    fetch(form.action, { method: "POST", body: data, headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        var type = response.headers.get("content-type") || "";
        if (type.indexOf("application/json") === -1) {
          // Signed out meanwhile, or an error page: show it.
          window.location = response.url;
          return;
        }
        return response.json().then(function (body) {
          pending.remove();
          if (!response.ok) {
            append("assistant error", body.error || "Something went wrong.");
            box.value = text;
            return;
          }
          if (!form.elements.conversation_id.value) listConversation(body.conversation_id, text);
          form.elements.conversation_id.value = body.conversation_id;
          history.replaceState(null, "", "/chat?c=" + body.conversation_id);
          append("assistant", body.response, body.tools);
        });
      })
      .catch(function () {
        pending.remove();
        append("assistant error", "Could not reach the server. Your message was not sent.");
        box.value = text;
      })
      .finally(function () {
        button.disabled = false;
        box.focus();
      });
  });

  box.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
})();
