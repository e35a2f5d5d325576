// The chat page, live: messages are sent without a reload, a typing
// indicator shows while the assistant works, and a microphone fills the
// message box where the browser recognises speech. Without this script the
// form posts and redirects, and everything still works.
(function () {
  "use strict";
  var form = document.getElementById("chat-form");
  var list = document.getElementById("messages");
  var scroller = document.getElementById("scroller");
  if (!form || !list || !window.fetch) return;
  var box = form.elements.message;
  var send = document.getElementById("send");

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function scrollToEnd() {
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  }

  // A message as the server renders it (templates/chat.html).
  function message(role, text) {
    var hint = list.querySelector(".hint");
    if (hint) hint.remove();
    var item = element("li", "message " + role);
    item.appendChild(element("span", "visually-hidden", role === "user" ? "You:" : "Assistant:"));
    var bubble = element("div", "bubble", text);
    bubble.dir = "auto";
    item.appendChild(bubble);
    list.appendChild(item);
    scrollToEnd();
    return item;
  }

  // One tool call in words, its details folded away.
  function activity(item, entry) {
    var ul = item.querySelector(".activity");
    if (!ul) {
      ul = element("ul", "activity");
      ul.setAttribute("aria-label", "What the assistant did");
      item.appendChild(ul);
    }
    var li = element("li", entry.failed ? "failed" : "");
    var details = element("details");
    var summary = element("summary", "", entry.summary);
    summary.dir = "auto";
    details.appendChild(summary);
    var dl = element("dl");
    (entry.details || []).forEach(function (pair) {
      dl.appendChild(element("dt", "", pair[0]));
      var dd = element("dd", "", pair[1]);
      dd.dir = "auto";
      dl.appendChild(dd);
    });
    details.appendChild(dl);
    li.appendChild(details);
    ul.appendChild(li);
  }

  // The assistant's reply as it arrives: a typing indicator first, then
  // text (all at once, or in parts), activity, and the end or an error.
  function reply() {
    var item = message("assistant typing", "");
    var bubble = item.querySelector(".bubble");
    bubble.appendChild(element("span", "visually-hidden", "The assistant is typing…"));
    var dots = element("span", "dots");
    dots.setAttribute("aria-hidden", "true");
    for (var i = 0; i < 3; i++) dots.appendChild(element("span"));
    bubble.appendChild(dots);
    var started = false;
    function start() {
      if (started) return;
      started = true;
      bubble.textContent = "";
    }
    return {
      delta: function (text) {
        start();
        item.className = "message assistant streaming";
        bubble.textContent += text;
        scrollToEnd();
      },
      activity: function (entry) {
        activity(item, entry);
        scrollToEnd();
      },
      done: function (text) {
        start();
        item.className = "message assistant";
        if (text !== undefined) bubble.textContent = text;
        scrollToEnd();
      },
      fail: function (text) {
        start();
        item.className = "message assistant error";
        bubble.textContent = text;
      }
    };
  }

  // How a turn travels: streamed as Server-Sent Events (delta, activity,
  // done, error) and told to `view` as each arrives; or, where the browser
  // cannot read a response in parts, as one JSON answer told in the same
  // order. Resolves with the conversation's id, or rejects with a message.
  var streams = !!(window.ReadableStream && window.TextDecoder);

  function sendTurn(data, view) {
    return fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { Accept: streams ? "text/event-stream" : "application/json" }
    }).then(function (response) {
      var type = response.headers.get("content-type") || "";
      if (type.indexOf("text/event-stream") === 0 && response.body) return readEvents(response.body, view);
      if (type.indexOf("application/json") === -1) {
        // Signed out meanwhile, or an error page: show it.
        window.location = response.url;
        return new Promise(function () {});
      }
      return response.json().then(function (body) {
        if (!response.ok) throw new Error(body.error || "Something went wrong.");
        (body.activity || []).forEach(view.activity);
        view.done(body.response);
        return body.conversation_id;
      });
    });
  }

  var BROKEN = "The connection broke off before the reply ended. Your message is saved; reload to see the reply.";

  // Reads a text/event-stream body block by block, as it arrives.
  function readEvents(body, view) {
    var reader = body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    function handle(block) {
      var name = "message", data = [];
      block.split("\n").forEach(function (line) {
        if (line.indexOf("event:") === 0) name = line.slice(6).trim();
        else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
      });
      if (!data.length) return null;
      var value = JSON.parse(data.join("\n"));
      if (name === "delta") view.delta(value.text);
      else if (name === "activity") view.activity(value);
      else if (name === "error") throw new Error(value.error || "Something went wrong.");
      else if (name === "done") {
        view.done(value.response);
        return { id: value.conversation_id };
      }
      return null;
    }
    function pump() {
      return reader.read().then(function (chunk) {
        buffer += decoder.decode(chunk.value || new Uint8Array(), { stream: !chunk.done }).replace(/\r\n?/g, "\n");
        var blocks = buffer.split("\n\n");
        buffer = chunk.done ? "" : blocks.pop();
        for (var i = 0; i < blocks.length; i++) {
          var finished = handle(blocks[i]);
          if (finished) return finished.id;
        }
        if (chunk.done) throw new Error(BROKEN);
        return pump();
      });
    }
    return pump();
  }

  // A conversation started here joins the list, as after a reload.
  function listConversation(id, title) {
    var conversations = document.getElementById("conversation-list");
    if (!conversations) return;
    var current = conversations.querySelector("[aria-current]");
    if (current) current.removeAttribute("aria-current");
    var link = element("a", "", title.slice(0, 80));
    link.href = "/chat?c=" + id;
    link.dir = "auto";
    link.setAttribute("aria-current", "page");
    var item = element("li");
    item.appendChild(link);
    conversations.insertBefore(item, conversations.firstChild);
  }

  var busy = false;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = box.value.trim();
    if (!text || busy) return;
    busy = true;
    var data = new URLSearchParams(new FormData(form));
    message("user", text);
    var view = reply();
    box.value = "";
    send.disabled = true;
    sendTurn(data, view)
      .then(function (conversation) {
        if (!form.elements.conversation_id.value) listConversation(conversation, text);
        form.elements.conversation_id.value = conversation;
        history.replaceState(null, "", "/chat?c=" + conversation);
      })
      .catch(function (error) {
        view.fail(error instanceof TypeError
          ? "Could not reach the server. Your message was not sent."
          : error.message);
        if (!box.value) box.value = text;
      })
      .finally(function () {
        busy = false;
        send.disabled = false;
        box.focus();
      });
  });

  // Enter sends, Shift+Enter starts a new line.
  box.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  // Voice input, only where the browser recognises speech (which needs a
  // secure context): what is said fills the message box, to check and send.
  var Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  var mic = document.getElementById("voice");
  if (mic && Recognition && window.isSecureContext) {
    mic.hidden = false;
    var listening = null;
    mic.addEventListener("click", function () {
      if (listening) {
        listening.stop();
        return;
      }
      var recognition = new Recognition();
      recognition.lang = document.documentElement.lang === "en" ? navigator.language || "en" : document.documentElement.lang;
      recognition.interimResults = true;
      recognition.continuous = false;
      var before = box.value ? box.value.replace(/\s*$/, " ") : "";
      recognition.onresult = function (event) {
        var said = "";
        for (var i = 0; i < event.results.length; i++) said += event.results[i][0].transcript;
        box.value = before + said;
      };
      recognition.onerror = function () { stop(); };
      recognition.onend = function () { stop(); };
      function stop() {
        listening = null;
        mic.setAttribute("aria-pressed", "false");
        mic.classList.remove("listening");
        box.focus();
      }
      listening = recognition;
      mic.setAttribute("aria-pressed", "true");
      mic.classList.add("listening");
      recognition.start();
    });
  }

  scrollToEnd();
})();
