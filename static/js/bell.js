// The bell's unread count, kept current over /ws/notifications/ (the person's own channel).
// Best effort: without the socket the count is what the page was served with.
(function () {
  "use strict";
  var bell = document.getElementById("notification-bell");
  if (!bell || !("WebSocket" in window)) return;
  var count = bell.querySelector(".bell__count");
  var spoken = bell.querySelector(".visually-hidden");
  var delay = 1000;

  function show(n) {
    bell.dataset.unread = String(n);
    bell.classList.toggle("bell--unread", n > 0);
    if (count) count.textContent = n > 0 ? String(n) : "";
    if (spoken) spoken.textContent = spoken.textContent.replace(/\d+/, String(n));
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/notifications/");
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "unread.count") show(message.count);
    };
    socket.onopen = function () { delay = 1000; };
    socket.onclose = function (event) {
      if (event.code === 4401 || event.code === 4403) return;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
