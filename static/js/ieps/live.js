// The IEP page's own parts, live: a recommendation that is added appears in the list (with the
// panels other apps put in each card), one that is revised or gets a new position is fetched
// again (so is one whose suggested change is made or decided). Events arrive in order from the
// channel (static/js/live/channel.js) as "iep:event".
// A change of the IEP itself (its status or dates) moves buttons and facts around the whole
// page: the page offers a reload rather than patch them one by one.

const FLUSH_MS = 40;
const cards = new Set();
const added = [];
let timer = null;

document.addEventListener("iep:event", (event) => {
  const { type, data = {} } = event.detail;
  if (type === "recommendation.created") added.push(data.id);
  else if (type === "recommendation.updated") cards.add(data.id);
  else if (type === "position.updated") cards.add(data.recommendation);
  else if (type.startsWith("suggestion.")) cards.add(data.recommendation);
  // A parent's answer or a staff signature changes the signatures section and what one may do; a
  // new prior written notice joins the notices list.
  else if (type.startsWith("iep.") || type === "consent.given" || type === "signature.added" ||
           type === "notice.issued") {
    document.dispatchEvent(new CustomEvent("iep:stale"));
  }
  else return;
  // A resync may bring many events at once: one request per recommendation, not per event.
  if (!timer) timer = setTimeout(flush, FLUSH_MS);
});

function flush() {
  timer = null;
  const list = document.getElementById("recs-list");
  for (const id of added.splice(0)) {
    if (!id || !list || document.getElementById(`rec-${id}`)) continue;
    const url = list.dataset.itemUrl.replace("/0/", `/${Number(id)}/`);
    document.dispatchEvent(new CustomEvent("iep:refresh", { detail: { target: list, url, swap: "beforeend", then: () => shown(id) } }));
    cards.delete(id);
  }
  for (const id of cards) {
    const body = document.getElementById(`rec-${id}-body`);
    if (body && body.dataset.cardUrl) {
      document.dispatchEvent(new CustomEvent("iep:refresh", { detail: { target: body, url: body.dataset.cardUrl } }));
    }
  }
  cards.clear();
}

// The list around a new card: its count, its intro, and an entry in the table of contents.
function shown(id) {
  const empty = document.getElementById("recs-empty");
  if (empty) empty.hidden = true;
  const intro = document.getElementById("recs-intro");
  if (intro) intro.hidden = false;
  const count = document.getElementById("recs-count");
  if (count) {
    count.dataset.count = String(document.querySelectorAll("#recs-list > li").length);
    count.textContent = `(${count.dataset.count})`;
  }
  const toc = document.getElementById("toc-list");
  const title = document.getElementById(`rec-${id}-title`);
  if (toc && title) {
    const entry = document.createElement("li");
    entry.dataset.tocRec = "";
    const link = document.createElement("a");
    link.href = `#rec-${id}`;
    link.textContent = title.textContent.trim();
    entry.appendChild(link);
    const recs = toc.querySelectorAll("[data-toc-rec]");
    const after = recs.length ? recs[recs.length - 1] : null;
    if (after) after.after(entry);
    else toc.prepend(entry);
  }
}
