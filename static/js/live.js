// The IEP's live channel (/ws/ieps/<id>/): new comments, edits, deletes and resolves appear
// without a reload. The socket only says *what* changed; the page then asks the server for that
// thread (or recommendation) again, so what is shown stays rendered and permission-checked there.
//
// Order: every event carries the IEP's gapless sequence number. The page knows the number it was
// rendered at (data-last-seq); an event one past it is applied, an older one ignored, a later one
// held until a resync ({"type": "resync", "after": lastSeq}) fills the gap from the event log.
// A dropped socket reconnects with exponential backoff and jitter (1 s doubling to 30 s) and
// resyncs on hello; close codes 4401 (signed out) and 4403 (not allowed) stop it for good.
// Without JavaScript nothing here runs and every page still works.

const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 30000;
const SILENCE_LIMIT_MS = 70000; // the server sends a heartbeat every 25 s
const RESYNC_RETRY_MS = 5000;
const CLOSE_NOT_SIGNED_IN = 4401;
const CLOSE_NOT_ALLOWED = 4403;
// Types that change what this page shows but have no partial of their own here.
const PAGE_CHANGING = new Set(["recommendation.created", "iep.status_changed"]);

const root = document.querySelector("[data-live-iep]");
if (root && "WebSocket" in window && window.htmx) {
  start(root, window.htmx);
}

function start(root, htmx) {
  const iepId = root.dataset.iepId;
  const me = Number(root.dataset.userId);
  const words = (document.getElementById("live") || root).dataset;
  const statusEl = document.getElementById("live-status");
  const noticeEl = document.getElementById("live-notice");
  const announcer = document.getElementById("live-announcer");

  let lastSeq = Number(root.dataset.lastSeq) || 0;
  let socket = null;
  let attempt = 0;
  let retryTimer = null;
  let stopped = false;
  let paused = false;
  let lastFrameAt = 0;
  let resyncAskedAt = 0;
  let lastError = "";
  const held = new Map(); // seq -> event, waiting for the gap before it to fill
  const dirtyThreads = new Set();
  const dirtyCards = new Set();
  let dirtyPanel = false;
  const busyThreads = new Set();
  const refreshAfterBusy = new Set();
  let announcements = [];
  let flushTimer = null;

  // A small window for tests and for anyone debugging a connection from the console.
  const debug = {
    get socket() { return socket; },
    get lastSeq() { return lastSeq; },
    get state() { return statusEl ? statusEl.dataset.state : ""; },
    get lastError() { return lastError; },
    connects: 0,
    resyncs: 0,
    applied: 0,
    states: [],
    // Handles a frame as if the socket had sent it (for tests and debugging).
    feed(frame) { onFrame(frame); },
  };
  window.__iepLive = debug;

  function t(key, vars) {
    const text = words["text" + key] || "";
    return text.replace(/\{(\w+)\}/g, (_, name) => (vars && name in vars ? String(vars[name]) : ""));
  }

  // ---------- connection ----------

  function connect() {
    clearTimeout(retryTimer);
    retryTimer = null;
    if (stopped || paused || socket) return;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${location.host}/ws/ieps/${iepId}/`);
    socket = ws;
    lastFrameAt = Date.now();
    setStatus(attempt ? "reconnecting" : "connecting");
    ws.addEventListener("message", (message) => {
      if (socket !== ws) return;
      lastFrameAt = Date.now();
      let frame;
      try { frame = JSON.parse(message.data); } catch { return; }
      if (frame && typeof frame === "object") onFrame(frame);
    });
    ws.addEventListener("close", (event) => {
      if (socket !== ws) return; // a socket we already let go of
      socket = null;
      if (event.code === CLOSE_NOT_SIGNED_IN) stop("signed-out");
      else if (event.code === CLOSE_NOT_ALLOWED) stop("not-allowed");
      else scheduleReconnect();
    });
  }

  function scheduleReconnect() {
    if (stopped || paused || retryTimer) return;
    const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
    attempt += 1;
    // "Equal jitter": half the ceiling plus a random part, so a server restart is not
    // followed by every page reconnecting in the same instant.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    setStatus("reconnecting");
    retryTimer = setTimeout(() => { retryTimer = null; connect(); }, delay);
  }

  function dropSocket() {
    const ws = socket;
    socket = null;
    if (ws) ws.close();
  }

  function stop(reason) {
    stopped = true;
    clearTimeout(retryTimer);
    dropSocket();
    setStatus("stopped");
    const message = document.createElement("p");
    message.className = "live-notice__text";
    const link = document.createElement("a");
    if (reason === "signed-out") {
      message.textContent = t("SignedOut") + " ";
      link.href = `/accounts/login/?next=${encodeURIComponent(location.pathname)}`;
      link.textContent = t("SignIn");
    } else {
      message.textContent = t("NotAllowed") + " ";
      link.href = location.pathname;
      link.textContent = t("Reload");
    }
    message.appendChild(link);
    showNotice(message, reason);
  }

  function setStatus(state) {
    if (!statusEl) return;
    if (statusEl.dataset.state !== state) debug.states.push(state);
    if (debug.states.length > 50) debug.states.shift();
    statusEl.hidden = false;
    statusEl.dataset.state = state;
    const text = statusEl.querySelector(".live-status__text");
    const key = { connecting: "Connecting", live: "Live", reconnecting: "Reconnecting", stopped: "Stopped" }[state];
    if (text) text.textContent = t(key);
  }

  function showNotice(content, kind) {
    if (!noticeEl) return;
    noticeEl.replaceChildren(content);
    noticeEl.dataset.kind = kind;
  }

  // ---------- frames and order ----------

  function onFrame(frame) {
    switch (frame.type) {
      case "hello":
        attempt = 0;
        debug.connects += 1;
        resyncAskedAt = 0;
        setStatus("live");
        // Anything committed between the page's render (or the last socket) and now.
        if (frame.last_seq > lastSeq) askResync();
        return;
      case "heartbeat":
        // A live message may have been dropped with nothing after it to reveal the gap.
        if (frame.last_seq > lastSeq) askResync();
        return;
      case "error":
        lastError = (frame.error && frame.error.code) || "";
        return;
      case "pong":
        return;
      default:
        if (Number.isInteger(frame.seq)) receive(frame);
    }
  }

  function receive(event) {
    if (event.seq <= lastSeq) return; // already applied (a resync overlaps live events)
    if (event.seq > lastSeq + 1) {
      held.set(event.seq, event);
      askResync();
      return;
    }
    apply(event);
    lastSeq = event.seq;
    while (held.has(lastSeq + 1)) {
      const next = held.get(lastSeq + 1);
      held.delete(lastSeq + 1);
      apply(next);
      lastSeq = next.seq;
    }
    for (const seq of held.keys()) if (seq <= lastSeq) held.delete(seq);
    if (held.size === 0) resyncAskedAt = 0;
  }

  function askResync() {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    if (resyncAskedAt && Date.now() - resyncAskedAt < RESYNC_RETRY_MS) return;
    resyncAskedAt = Date.now();
    debug.resyncs += 1;
    socket.send(JSON.stringify({ type: "resync", after: lastSeq }));
  }

  function apply(event) {
    debug.applied += 1;
    const data = event.data || {};
    switch (event.type) {
      case "comment.created":
        markThread(data.recommendation);
        if (data.author && data.author.id !== me) announce(t("NewComment", { name: data.author.full_name }), true);
        break;
      case "comment.edited":
      case "comment.deleted":
        markThread(data.recommendation);
        break;
      case "thread.resolved":
      case "thread.reopened":
        markThread(data.recommendation);
        if (data.by && data.by.id !== me) {
          announce(t(event.type === "thread.resolved" ? "Resolved" : "Reopened", { name: data.by.full_name }), false);
        }
        break;
      case "recommendation.updated":
        markCard(data.id);
        break;
      case "position.updated":
        markCard(data.recommendation);
        break;
      default:
        if (event.type.startsWith("evaluation.")) markPanel(event.type);
        else if (PAGE_CHANGING.has(event.type)) pageChanged();
        // "redacted" and events of other pages: nothing to show here, the number is kept.
    }
  }

  // The IEP page's evaluation panel (apps.evaluations renders it): fetched again on any
  // evaluation.* event, so a submit shows for the whole team at once.
  function markPanel(type) {
    const panel = document.getElementById("evaluations-panel");
    if (!panel || !panel.dataset.panelUrl) return;
    dirtyPanel = true;
    const words = type === "evaluation.submitted" ? panel.dataset.textSubmitted : panel.dataset.textChanged;
    announce(words, false);
    scheduleFlush();
  }

  function refreshPanel() {
    const panel = document.getElementById("evaluations-panel");
    if (!panel || !panel.dataset.panelUrl) return;
    const url = `${panel.dataset.panelUrl}${panel.dataset.panelUrl.includes("?") ? "&" : "?"}live=1`;
    htmx.ajax("GET", url, { target: panel, swap: "outerHTML" }).then(() => {
      const saved = liveSwaps.get(panel.id);
      liveSwaps.delete(panel.id);
      if (saved) restore(saved);
    });
  }

  // ---------- applying: ask the server for what changed ----------

  function markThread(recId) {
    if (recId && document.getElementById(`thread-${recId}`)) {
      dirtyThreads.add(recId);
      scheduleFlush();
    }
  }

  function markCard(recId) {
    if (recId && document.getElementById(`rec-${recId}-body`)) {
      dirtyCards.add(recId);
      scheduleFlush();
    }
  }

  function scheduleFlush() {
    // A resync may bring many events at once: one request per thread, not per event.
    if (!flushTimer) flushTimer = setTimeout(flush, 40);
  }

  function flush() {
    flushTimer = null;
    for (const recId of dirtyThreads) refreshThread(recId, false);
    for (const recId of dirtyCards) refreshCard(recId);
    if (dirtyPanel) refreshPanel();
    dirtyThreads.clear();
    dirtyCards.clear();
    dirtyPanel = false;
    flushAnnouncements();
  }

  function threadUrl(el) {
    const params = new URLSearchParams(el.dataset.open || "");
    params.set("live", "1");
    return `${el.dataset.threadUrl}?${params}`;
  }

  function hasDraft(el) {
    return Array.from(el.querySelectorAll("textarea")).some((area) => area.value.trim() !== "");
  }

  function refreshThread(recId, force) {
    const el = document.getElementById(`thread-${recId}`);
    if (!el || !el.dataset.threadUrl) return;
    if (busyThreads.has(String(recId))) {
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
    htmx.ajax("GET", threadUrl(el), { target: el, swap: "outerHTML" });
  }

  function refreshCard(recId) {
    const el = document.getElementById(`rec-${recId}-body`);
    if (el && el.dataset.cardUrl) htmx.ajax("GET", el.dataset.cardUrl, { target: el, swap: "outerHTML" });
  }

  // What the person had typed or ticked, and where their focus was (or was about to go), taken
  // the moment a live refresh replaces a thread, to put back right after.
  const liveSwaps = new Map();
  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    const path = event.detail.requestConfig && String(event.detail.requestConfig.path || "");
    if (target && target.id && /[?&]live=1/.test(path) && event.detail.shouldSwap && event.detail.swapOverride !== "none") {
      liveSwaps.set(target.id, snapshot(target));
    }
  });

  // Put back right after the swap itself: htmx.ajax's promise may settle before the swap.
  document.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target;
    const saved = target && target.id ? liveSwaps.get(target.id) : null;
    if (!saved) return;
    liveSwaps.delete(target.id);
    restore(saved);
  });

  function snapshot(el) {
    const marked = el.querySelector("[data-focus-after-swap][id]");
    const active = marked || (el.contains(document.activeElement) ? document.activeElement : null);
    const fields = Array.from(el.querySelectorAll("textarea[id], input[type=checkbox][id]")).map((field) => ({
      id: field.id,
      value: field.value,
      checked: field.checked,
      start: field.tagName === "TEXTAREA" ? field.selectionStart : null,
      end: field.tagName === "TEXTAREA" ? field.selectionEnd : null,
    }));
    return { activeId: active && active.id, fields };
  }

  function restore(drafts) {
    for (const saved of drafts.fields) {
      const field = document.getElementById(saved.id);
      if (!field) continue;
      if (field.tagName === "TEXTAREA") {
        if (saved.value.trim() !== "") field.value = saved.value;
      } else {
        field.checked = saved.checked;
      }
    }
    if (drafts.activeId) {
      const again = document.getElementById(drafts.activeId);
      if (again) {
        again.focus({ preventScroll: true });
        const saved = drafts.fields.find((f) => f.id === drafts.activeId);
        if (saved && saved.start !== null && again.setSelectionRange) again.setSelectionRange(saved.start, saved.end);
      }
    }
  }

  function pageChanged() {
    if (noticeEl && noticeEl.dataset.kind) return;
    const message = document.createElement("p");
    message.className = "live-notice__text";
    message.textContent = t("Changed") + " ";
    const link = document.createElement("a");
    link.href = location.pathname;
    link.textContent = t("Reload");
    message.appendChild(link);
    showNotice(message, "changed");
  }

  function announce(text, isComment) {
    if (text) announcements.push({ text, isComment });
  }

  function flushAnnouncements() {
    if (!announcer || announcements.length === 0) return;
    const comments = announcements.filter((a) => a.isComment).length;
    const text = comments > 3
      ? [t("NewComments", { count: comments }), ...announcements.filter((a) => !a.isComment).map((a) => a.text)].join(". ")
      : announcements.map((a) => a.text).join(". ");
    announcements = [];
    // Emptied first, so the same words twice are still spoken twice.
    announcer.textContent = "";
    setTimeout(() => { announcer.textContent = text; }, 100);
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
    if (thread && thread.dataset.threadRec) busyThreads.add(thread.dataset.threadRec);
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    const elt = event.detail.elt;
    const thread = elt && elt.closest && elt.closest(".thread");
    const recId = (thread && thread.dataset.threadRec)
      || (event.detail.target && event.detail.target.dataset && event.detail.target.dataset.threadRec);
    if (!recId || !busyThreads.has(recId)) return;
    busyThreads.delete(recId);
    if (refreshAfterBusy.delete(recId)) setTimeout(() => refreshThread(recId, false), 60);
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
      if (thread) refreshThread(thread.dataset.threadRec, true);
    }
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      document.querySelectorAll(".thread[data-unread]").forEach(markReadIfSeen);
      if (!socket && !stopped && !paused) { attempt = 0; connect(); }
    }
  });
  window.addEventListener("online", () => {
    if (!socket && !stopped && !paused) { attempt = 0; connect(); }
  });
  window.addEventListener("pagehide", () => { paused = true; clearTimeout(retryTimer); retryTimer = null; dropSocket(); });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) { paused = false; attempt = 0; connect(); }
  });
  // A socket that has gone quiet past two heartbeats is dead even if no close said so.
  setInterval(() => {
    if (socket && socket.readyState === WebSocket.OPEN && Date.now() - lastFrameAt > SILENCE_LIMIT_MS) {
      dropSocket();
      scheduleReconnect();
    }
  }, 10000);

  // Threads rendered with the page (the discussion's own page) count as opened.
  document.querySelectorAll(".thread[data-read-url]").forEach(markReadIfSeen);
  revealLinkedComment();
  connect();

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
