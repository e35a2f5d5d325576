// Due reminders, while any page of the app is open. Every 30 seconds (and
// when the page comes back into view) the page claims the user's due
// reminders through the /api proxy; the backend hands each one to a single
// caller, so several tabs or devices show it once. A reminder becomes a
// browser notification where the user allowed them, otherwise a banner on
// the page. Permission is asked only from a button the user presses.
(function () {
  "use strict";
  function meta(name) {
    var tag = document.querySelector('meta[name="' + name + '"]');
    return tag ? tag.content : "";
  }
  var user = meta("user-id");
  var csrf = meta("csrf-token");
  var zone = meta("timezone") || undefined;
  var area = document.getElementById("reminders");
  if (!user || !area || !window.fetch) return;

  var POLL_MS = 30000;
  // Notifications need the API and a secure context (HTTPS or localhost).
  var supported = "Notification" in window && window.isSecureContext;

  function permission() {
    return supported ? Notification.permission : "unavailable";
  }

  // "Fri 9:00", or the date alone for a due time of 23:59 (a date without a time).
  function when(iso) {
    var at = new Date(iso);
    if (isNaN(at)) return "";
    var parts = {};
    try {
      new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
        .formatToParts(at).forEach(function (part) { parts[part.type] = part.value; });
    } catch (e) {
      zone = undefined;
      return when(iso);
    }
    var dateOnly = parts.hour === "23" && parts.minute === "59";
    var options = { timeZone: zone, weekday: "short", day: "numeric", month: "short" };
    if (!dateOnly) {
      options.hour = "numeric";
      options.minute = "2-digit";
    }
    return new Intl.DateTimeFormat(undefined, options).format(at);
  }

  function describe(task) {
    return task.due_at ? "Due " + when(task.due_at) : "Reminder " + when(task.remind_at);
  }

  function button(text, className, onClick) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = className;
    element.textContent = text;
    element.addEventListener("click", onClick);
    return element;
  }

  // Why a reminder shows on the page rather than as a notification.
  function fallbackNote() {
    switch (permission()) {
      case "denied": return "Notifications are blocked for this site, so reminders show here.";
      case "unavailable": return "This browser can't show notifications here (they need HTTPS), so reminders show on the page.";
      default: return "";
    }
  }

  function banner(task) {
    var box = document.createElement("div");
    box.className = "reminder-banner";
    box.setAttribute("role", "alert");
    var text = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = "Reminder: ";
    var title = document.createElement("span");
    title.dir = "auto";
    title.textContent = task.title;
    text.appendChild(strong);
    text.appendChild(title);
    text.appendChild(document.createTextNode(" · " + describe(task)));
    box.appendChild(text);
    var note = fallbackNote();
    if (note) {
      var small = document.createElement("p");
      small.className = "note";
      small.textContent = note;
      box.appendChild(small);
    }
    var actions = document.createElement("p");
    actions.className = "row";
    var open = document.createElement("a");
    open.className = "button small";
    open.href = "/tasks#task-" + task.id;
    open.textContent = "Open task";
    actions.appendChild(open);
    if (permission() === "default") {
      actions.appendChild(button("Notify me instead", "secondary small", function () {
        ask().then(function (answer) { if (answer === "granted") box.remove(); });
      }));
    }
    actions.appendChild(button("Dismiss", "secondary small", function () { box.remove(); }));
    box.appendChild(actions);
    area.appendChild(box);
  }

  function show(task) {
    if (permission() === "granted") {
      try {
        var shown = new Notification("Reminder: " + task.title, {
          body: describe(task), tag: "todo-reminder-" + task.id, dir: "auto"
        });
        shown.onclick = function () {
          window.focus();
          window.location.href = "/tasks#task-" + task.id;
        };
        return;
      } catch (e) {
        // Some browsers allow notifications only from a service worker.
      }
    }
    banner(task);
  }

  function claim() {
    fetch("/api/" + encodeURIComponent(user) + "/reminders/claim", {
      method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf, Accept: "application/json" }
    })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (tasks) { (tasks || []).forEach(show); })
      .catch(function () { /* offline for a moment: the next poll claims it */ });
  }

  // Only ever called from a click.
  function ask() {
    if (!supported) return Promise.resolve(permission());
    var asked = Notification.requestPermission();
    return (asked && asked.then ? asked : Promise.resolve(Notification.permission)).then(function (answer) {
      status();
      return answer;
    });
  }

  // The settings page's control: the state of notifications and a button.
  var enable = document.getElementById("notify-enable");
  var statusText = document.getElementById("notify-status");
  function status() {
    if (!statusText) return;
    var state = permission();
    statusText.textContent = {
      granted: "Notifications are on: due reminders appear as notifications while a page of this app is open.",
      denied: "Notifications are blocked for this site in your browser's settings, so due reminders show as a banner on the page.",
      unavailable: "This browser can't show notifications here (they need HTTPS), so due reminders show as a banner on the page.",
      "default": "Due reminders show as a banner on the page. Turn on notifications to see them even while the page is in the background."
    }[state] || "";
    if (enable) enable.hidden = state !== "default";
  }
  if (enable) enable.addEventListener("click", function () { ask(); });
  status();

  claim();
  setInterval(claim, POLL_MS);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) claim();
  });
})();
