// The IEP page's independent-evaluation panel, live: on any evaluation.* event (from the channel,
// static/js/live/channel.js, as "iep:event") the panel is fetched again, so a submit shows for the
// whole team at once. The panel's words come from its own template (data-text-*).

const FLUSH_MS = 40;
let timer = null;

document.addEventListener("iep:event", (event) => {
  const { type } = event.detail;
  if (!type.startsWith("evaluation.")) return;
  const panel = document.getElementById("evaluations-panel");
  if (!panel || !panel.dataset.panelUrl) return;
  const text = type === "evaluation.submitted" ? panel.dataset.textSubmitted : panel.dataset.textChanged;
  if (text) document.dispatchEvent(new CustomEvent("iep:announce", { detail: { text, isComment: false } }));
  // Several events in one resync: one request.
  if (!timer) timer = setTimeout(refresh, FLUSH_MS);
});

function refresh() {
  timer = null;
  const panel = document.getElementById("evaluations-panel");
  if (panel && panel.dataset.panelUrl) {
    document.dispatchEvent(new CustomEvent("iep:refresh", { detail: { target: panel, url: panel.dataset.panelUrl } }));
  }
}
