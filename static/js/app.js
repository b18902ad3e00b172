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

  document.addEventListener("DOMContentLoaded", function () {
    addPasswordToggles(document);
    focusMainOnSkip();
  });
  document.addEventListener("htmx:load", function (event) { addPasswordToggles(event.target); });
})();
