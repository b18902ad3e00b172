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

  // Times are written in UTC by the server; shown in the reader's own time zone when we can.
  function localizeTimes(root) {
    if (!window.Intl || !Intl.DateTimeFormat) return;
    var lang = document.documentElement.lang || undefined;
    var format;
    try {
      format = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
    } catch (e) {
      return;
    }
    root.querySelectorAll("time[data-localize]").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (!isNaN(when)) el.textContent = format.format(when);
    });
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
    localizeTimes(document);
    focusMarked();
  });
  document.addEventListener("htmx:load", function (event) {
    addPasswordToggles(event.target);
    localizeTimes(event.target);
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
