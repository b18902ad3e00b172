// Discussions on a live IEP page (the IEP page's thread panels, a discussion's own page): new
// comments, edits, deletes and resolves appear without a reload, and threads that were seen are
// marked read. The channel (static/js/live/channel.js) hands over each event in order as
// "iep:event"; this asks the server for the thread again, so what is shown stays rendered and
// permission-checked there. Without JavaScript nothing here runs and the pages still work.

const root = document.querySelector("[data-live-iep]");
if (root && window.htmx) listen(root, window.htmx);

function listen(root, htmx) {
  const me = Number(root.dataset.userId);
  const words = (document.getElementById("live") || root).dataset;
  const dirty = new Set();
  const busy = new Set();
  const refreshAfterBusy = new Set();
  let flushTimer = null;

  const t = (key, vars) => (words["text" + key] || "").replace(
    /\{(\w+)\}/g, (_, name) => (vars && name in vars ? String(vars[name]) : ""));
  const announce = (text, isComment) => document.dispatchEvent(
    new CustomEvent("iep:announce", { detail: { text, isComment } }));

  document.addEventListener("iep:event", (event) => {
    const { type, data = {} } = event.detail;
    if (!type.startsWith("comment.") && !type.startsWith("thread.")) return;
    mark(data.recommendation);
    if (type === "comment.created" && data.author && data.author.id !== me) {
      announce(t("NewComment", { name: data.author.full_name }), true);
    }
    if ((type === "thread.resolved" || type === "thread.reopened") && data.by && data.by.id !== me) {
      announce(t(type === "thread.resolved" ? "Resolved" : "Reopened", { name: data.by.full_name }), false);
    }
  });

  function mark(recId) {
    if (recId && document.getElementById(`thread-${recId}`)) {
      dirty.add(String(recId));
      // A resync may bring many events at once: one request per thread, not per event.
      if (!flushTimer) flushTimer = setTimeout(flush, 40);
    }
  }

  function flush() {
    flushTimer = null;
    for (const recId of dirty) refresh(recId, false);
    dirty.clear();
  }

  function threadUrl(el) {
    const params = new URLSearchParams(el.dataset.open || "");
    params.set("live", "1");
    return `${el.dataset.threadUrl}?${params}`;
  }

  const hasDraft = (el) => Array.from(el.querySelectorAll("textarea")).some((area) => area.value.trim() !== "");

  function refresh(recId, force) {
    const el = document.getElementById(`thread-${recId}`);
    if (!el || !el.dataset.threadUrl) return;
    if (busy.has(String(recId))) {
      // The person's own request on this thread is on its way; its answer comes first.
      refreshAfterBusy.add(String(recId));
      return;
    }
    if (!force && hasDraft(el)) {
      // Someone is writing here: do not move the thread under their hands. The badges still
      // update (out of band), and a note offers the new activity when they want it.
      htmx.ajax("GET", threadUrl(el), { target: el, swap: "none" });
      const note = el.querySelector("[data-stale-note]");
      if (note) note.hidden = false;
      return;
    }
    document.dispatchEvent(new CustomEvent("iep:refresh", { detail: { target: el, url: threadUrl(el) } }));
  }

  // ---------- read markers ----------

  // Read means seen: the thread is open, the tab is showing, and the thread is in the viewport
  // (a thread that opened by itself further down the page waits until it is scrolled to).
  const seen = "IntersectionObserver" in window
    ? new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) {
          seen.unobserve(entry.target);
          markReadIfSeen(entry.target);
        }
      }
    })
    : null;

  function inViewport(el) {
    const box = el.getBoundingClientRect();
    return box.height > 0 && box.bottom > 0 && box.top < window.innerHeight;
  }

  function markReadIfSeen(el) {
    if (!el || !el.isConnected || !el.dataset.readUrl || Number(el.dataset.unread || 0) === 0) return;
    const details = el.closest("details");
    if (document.visibilityState !== "visible" || (details && !details.open)) return;
    if (!inViewport(el)) {
      if (seen) seen.observe(el);
      return;
    }
    el.dataset.unread = "0";
    // The answer's out-of-band badges update; the thread itself stays, "New" marks and all.
    htmx.ajax("POST", el.dataset.readUrl, { target: el, swap: "none" }).then(() => {
      const button = el.querySelector(`form[action="${el.dataset.readUrl}"]`);
      if (button) button.remove();
    });
  }

  // ---------- the page around the threads ----------

  document.addEventListener("htmx:beforeRequest", (event) => {
    const thread = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest(".thread");
    if (thread && thread.dataset.threadRec) busy.add(thread.dataset.threadRec);
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    const elt = event.detail.elt;
    const thread = elt && elt.closest && elt.closest(".thread");
    const recId = (thread && thread.dataset.threadRec)
      || (event.detail.target && event.detail.target.dataset && event.detail.target.dataset.threadRec);
    if (!recId || !busy.has(recId)) return;
    busy.delete(recId);
    if (refreshAfterBusy.delete(recId)) setTimeout(() => refresh(recId, false), 60);
  });
  document.addEventListener("htmx:afterSettle", (event) => {
    const target = event.detail.target;
    const el = target && target.id && target.id.startsWith("thread-") ? document.getElementById(target.id) : null;
    if (el) markReadIfSeen(el);
  });
  // Opening a recommendation's discussion is reading it.
  document.addEventListener("toggle", (event) => {
    const details = event.target;
    if (details.open && details.classList && details.classList.contains("discussion__details")) {
      markReadIfSeen(details.querySelector(".thread:not(.thread--placeholder)"));
    }
  }, true);
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-show-activity]");
    if (button) {
      const thread = button.closest(".thread");
      if (thread) refresh(thread.dataset.threadRec, true);
    }
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") document.querySelectorAll(".thread[data-unread]").forEach(markReadIfSeen);
  });

  // Threads rendered with the page (the discussion's own page, the IEP page's unread ones) count as opened.
  document.querySelectorAll(".thread[data-read-url]").forEach(markReadIfSeen);
  revealLinkedComment();

  // A link such as a mention notification's (/ieps/<id>/#comment-<n>) names a comment that lives
  // in a thread loaded on demand: show it once it is there, opening the closed threads if needed.
  function revealLinkedComment() {
    const match = /^#(comment-\d+)$/.exec(location.hash);
    if (!match) return;
    const show = () => {
      const comment = document.getElementById(match[1]);
      if (!comment) return false;
      const details = comment.closest("details");
      if (details) details.open = true;
      comment.scrollIntoView({ block: "center" });
      comment.focus({ preventScroll: true });
      return true;
    };
    if (show()) return;
    const onSettle = () => { if (show()) document.removeEventListener("htmx:afterSettle", onSettle); };
    document.addEventListener("htmx:afterSettle", onSettle);
    setTimeout(() => {
      if (document.getElementById(match[1])) return;
      document.querySelectorAll("details.discussion__details:not([open])").forEach((details) => { details.open = true; });
    }, 600);
  }
}
