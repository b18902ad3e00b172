// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // A "Show password" toggle next to password fields: easier on a phone keyboard at night.
  // Its words come from the page (translated on the server), see data-* on <body>.
  function addPasswordToggles(root) {
    var label = document.body.getAttribute("data-label-show-password") || "Show password";
    root.querySelectorAll('input[type="password"]:not([data-has-toggle])').forEach(function (input) {
      input.setAttribute("data-has-toggle", "");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button--quiet password-toggle";
      button.textContent = label;
      button.setAttribute("aria-pressed", "false");
      if (input.id) button.setAttribute("aria-controls", input.id);
      button.addEventListener("click", function () {
        var showing = input.type === "text";
        input.type = showing ? "password" : "text";
        button.setAttribute("aria-pressed", showing ? "false" : "true");
      });
      input.insertAdjacentElement("afterend", button);
    });
  }

  // The skip link moves keyboard focus, not only the scroll position.
  function focusMainOnSkip() {
    var skip = document.querySelector(".skip-link");
    var main = document.getElementById("main");
    if (skip && main) {
      skip.addEventListener("click", function () { main.focus(); });
    }
  }

  // After an HTMX swap, keyboard focus goes where the server marked (the new comment, the field
  // with an error, the form that just opened), so keyboard and screen-reader users keep their place.
  function focusMarked() {
    var marked = document.querySelectorAll("[data-focus-after-swap]");
    if (!marked.length) return;
    marked.forEach(function (el) { el.removeAttribute("data-focus-after-swap"); });
    marked[0].focus();
  }

  // The server writes every time in the person's own time zone, named ("3:30 p.m. EST"), in the
  // page's language; it learns the zone from this cookie (until it is set, times are in UTC).
  function rememberTimeZone() {
    var zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (e) {
      return;
    }
    if (!zone) return;
    var cookie = "tz=" + encodeURIComponent(zone);
    if (document.cookie.split("; ").indexOf(cookie) !== -1) return;
    document.cookie = cookie + "; path=/; max-age=31536000; SameSite=Lax";
  }

  // An HTMX request that failed (403, 404, 500, no network) says so where it was made, instead
  // of failing silently. Words come from the page (translated on the server).
  function reportFailure(event, forbidden) {
    var target = event.detail.target;
    var where = (target && target.closest && target.closest(".thread")) || target;
    if (!where || !where.insertAdjacentElement) return;
    var old = where.querySelector(":scope > .request-error");
    if (old) old.remove();
    var alert = document.createElement("p");
    alert.className = "alert alert--error request-error";
    alert.setAttribute("role", "alert");
    alert.textContent = document.body.getAttribute(forbidden ? "data-label-forbidden" : "data-label-request-failed") || "";
    where.insertAdjacentElement("afterbegin", alert);
  }

  document.addEventListener("DOMContentLoaded", function () {
    addPasswordToggles(document);
    focusMainOnSkip();
    rememberTimeZone();
    focusMarked();
  });
  document.addEventListener("htmx:load", function (event) {
    addPasswordToggles(event.target);
  });
  document.addEventListener("htmx:afterSettle", focusMarked);
  document.addEventListener("htmx:responseError", function (event) {
    reportFailure(event, event.detail.xhr && event.detail.xhr.status === 403);
  });
  document.addEventListener("htmx:sendError", function (event) { reportFailure(event, false); });
  // A signed-out session answers an HTMX request with the sign-in page: go there, do not swap it in.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var url = event.detail.xhr && event.detail.xhr.responseURL;
    if (url && url.indexOf("/accounts/login/") !== -1) {
      event.detail.shouldSwap = false;
      var signIn = new URL(url, window.location.href);
      signIn.search = "?next=" + encodeURIComponent(window.location.pathname + window.location.search);
      window.location.href = signIn.toString();
    }
  });
})();
