// Warns a signed-in person a few minutes before their idle session ends, and lets them stay.
// The server ends a session SESSION_COOKIE_AGE seconds after its last request; this page counts
// from its own last request (page load, any HTMX request) and from other tabs' (localStorage),
// so the warning appears only when the session is really about to end.
(function () {
  "use strict";

  var dialog = document.getElementById("session-warning");
  if (!dialog || typeof dialog.showModal !== "function") return;

  var idleMs = Number(dialog.getAttribute("data-idle-seconds")) * 1000;
  var warnMs = Number(dialog.getAttribute("data-warn-seconds")) * 1000;
  var keepAliveUrl = dialog.getAttribute("data-keep-alive-url");
  var signInUrl = dialog.getAttribute("data-sign-in-url");
  var failed = dialog.querySelector("[data-session-failed]");
  var KEY = "iepteam.session.lastActivity";
  var lastActivity = Date.now();

  function shared() {
    try { return Number(window.localStorage.getItem(KEY)) || 0; } catch (e) { return 0; }
  }

  function markActivity() {
    lastActivity = Date.now();
    try { window.localStorage.setItem(KEY, String(lastActivity)); } catch (e) { /* private mode */ }
  }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }

  function signIn() {
    window.location.assign(signInUrl + "?next=" + encodeURIComponent(window.location.pathname + window.location.search));
  }

  function tick() {
    var idle = Date.now() - Math.max(lastActivity, shared());
    if (idle >= idleMs) {
      window.clearInterval(timer);
      signIn();
    } else if (idle >= idleMs - warnMs) {
      if (!dialog.open) {
        failed.hidden = true;
        dialog.showModal();
      }
    } else if (dialog.open) {
      dialog.close();  // another tab kept the session going
    }
  }

  function stay() {
    fetch(keepAliveUrl, { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrfToken() } })
      .then(function (answer) {
        if (answer.status === 204) {
          markActivity();
          dialog.close();
        } else if (answer.status === 401 || answer.status === 403) {
          signIn();
        } else {
          failed.hidden = false;
        }
      })
      .catch(function () { failed.hidden = false; });
  }

  dialog.querySelector("[data-session-stay]").addEventListener("click", stay);
  // Escape would close the dialog without renewing anything: treat it as "stay".
  dialog.addEventListener("cancel", function (event) { event.preventDefault(); stay(); });
  document.addEventListener("htmx:afterRequest", markActivity);
  markActivity();
  var timer = window.setInterval(tick, 1000);
})();
