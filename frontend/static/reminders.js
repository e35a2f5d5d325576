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

  // Times as the task list tells them, in the user's zone: "Today 9:00",
  // "Tomorrow", "Fri 15:30", "Thu 3 Dec", "3 Jan 2027"; a due time of 23:59
  // (a date without a time) is the date alone.
  function formatter(options) {
    try {
      return new Intl.DateTimeFormat("en-GB", Object.assign({ timeZone: zone }, options));
    } catch (e) {
      return new Intl.DateTimeFormat("en-GB", options);
    }
  }
  var numeric = formatter({ year: "numeric", month: "numeric", day: "numeric", weekday: "short",
    hour: "numeric", minute: "2-digit", hourCycle: "h23" });
  var monthName = formatter({ month: "short" });
  function parts(date) {
    var out = {};
    numeric.formatToParts(date).forEach(function (part) { out[part.type] = part.value; });
    return out;
  }
  function when(iso) {
    var at = new Date(iso);
    if (isNaN(at)) return "";
    var p = parts(at);
    var now = parts(new Date());
    var days = Math.round((Date.UTC(p.year, p.month - 1, p.day) - Date.UTC(now.year, now.month - 1, now.day)) / 864e5);
    var day = days === 0 ? "Today" : days === 1 ? "Tomorrow" : days === -1 ? "Yesterday"
      : days > 1 && days < 7 ? p.weekday
      : p.year === now.year ? p.weekday + " " + Number(p.day) + " " + monthName.format(at)
      : Number(p.day) + " " + monthName.format(at) + " " + p.year;
    if (Number(p.hour) === 23 && p.minute === "59") return day;
    return day + " " + Number(p.hour) + ":" + p.minute;
  }

  function describe(task) {
    return task.due_at ? "Due " + when(task.due_at) : "Reminder for " + when(task.remind_at);
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
    if (task.due_at) text.appendChild(document.createTextNode(" · due " + when(task.due_at)));
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
