// A recommendation's own page, live: a position recorded or a suggestion made, accepted, declined
// or withdrawn by someone else appears without a reload (the parts are fetched again from the
// server, so what is shown stays rendered and permission-checked there). A new version changes the
// text, the facts and the history: the page offers a reload rather than patch them one by one.
// Events arrive in order from the channel (static/js/live/channel.js) as "iep:event".

const root = document.querySelector("[data-live-iep][data-recommendation-id]");
const FLUSH_MS = 40;
const parts = new Set();
let timer = null;

if (root) {
  const id = Number(root.dataset.recommendationId);
  document.addEventListener("iep:event", (event) => {
    const { type, data = {} } = event.detail;
    if (type === "position.updated" && data.recommendation === id) parts.add("positions-live");
    else if (type.startsWith("suggestion.") && data.recommendation === id) parts.add("suggestions-live");
    else if (type === "recommendation.updated" && data.id === id) {
      parts.add("positions-live");
      parts.add("suggestions-live");
      document.dispatchEvent(new CustomEvent("iep:stale"));
    } else return;
    // A resync may bring many events at once: one request per part, not per event.
    if (!timer) timer = setTimeout(flush, FLUSH_MS);
  });
}

function flush() {
  timer = null;
  for (const partId of parts) {
    const target = document.getElementById(partId);
    if (target && target.dataset.liveUrl) {
      document.dispatchEvent(new CustomEvent("iep:refresh", { detail: { target, url: target.dataset.liveUrl } }));
    }
  }
  parts.clear();
}
