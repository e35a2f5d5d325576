// Fills the sign-up form's hidden time zone from the browser, so that
// "today" and "9am" mean the user's own from the first task on.
(function () {
  var field = document.getElementById("browser-timezone");
  try {
    if (field) field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    // No Intl: the account starts in UTC and the settings page can change it.
  }
})();
