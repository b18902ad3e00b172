// The IEP's live channel (/ws/ieps/<id>/), and nothing else: it connects, reconnects, keeps the
// events in order and hands each one to the page as a DOM event. What an event changes on the page
// is for each app's listener (static/js/<app>/live.js, beside templates/<app>/), which listens for
//   document "iep:event"    detail: the event {seq, type, at, data}, once each, in sequence order
// and may dispatch
//   document "iep:refresh"  detail: {target, url, swap?, then?}: fetch that part of the page again,
//                           keeping what the person was typing there and their focus
//   document "iep:announce" detail: {text, isComment}: said politely to screen readers, batched
//   document "iep:stale"    the page is out of date in a way no listener can patch: offer a reload
//
// Order: every event carries the IEP's gapless sequence number. The page knows the number it was
// rendered at (data-last-seq, kept current here); an event one past it is applied, an older one
// ignored, a later one held until a resync ({"type": "resync", "after": lastSeq}) fills the gap
// from the event log. A dropped socket reconnects with exponential backoff and jitter (1 s
// doubling to 30 s) and resyncs on hello; close codes 4401 (signed out) and 4403 (not allowed)
// stop it for good. Without JavaScript nothing here runs and every page still works.

const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 30000;
const SILENCE_LIMIT_MS = 100000; // the server sends a heartbeat every 40 s
const RESYNC_RETRY_MS = 5000;
const CLOSE_NOT_SIGNED_IN = 4401;
const CLOSE_NOT_ALLOWED = 4403;

const root = document.querySelector("[data-live-iep]");
if (root && "WebSocket" in window) {
  // Module scripts run before DOMContentLoaded: by then every listener module has run too.
  if (document.readyState === "complete") start(root);
  else document.addEventListener("DOMContentLoaded", () => start(root), { once: true });
}

function start(root) {
  const iepId = root.dataset.iepId;
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
  const held = new Map(); // seq -> event, waiting for the gap before it to fill
  let announcements = [];
  let announceTimer = null;

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
    const signedOut = reason === "signed-out";
    const href = signedOut ? `/accounts/login/?next=${encodeURIComponent(location.pathname)}` : location.pathname;
    showNotice(signedOut ? t("SignedOut") : t("NotAllowed"), href, signedOut ? t("SignIn") : t("Reload"), reason);
  }

  function setStatus(state) {
    if (!statusEl) return;
    statusEl.hidden = false;
    statusEl.dataset.state = state;
    const text = statusEl.querySelector(".live-status__text");
    const key = { connecting: "Connecting", live: "Live", reconnecting: "Reconnecting", stopped: "Stopped" }[state];
    if (text) text.textContent = t(key);
  }

  function showNotice(text, href, linkText, kind) {
    if (!noticeEl) return;
    const message = document.createElement("p");
    message.className = "live-notice__text";
    message.textContent = text + " ";
    const link = document.createElement("a");
    link.href = href;
    link.textContent = linkText;
    message.appendChild(link);
    noticeEl.replaceChildren(message);
    noticeEl.dataset.kind = kind;
  }

  // ---------- frames and order ----------

  function onFrame(frame) {
    switch (frame.type) {
      case "hello":
        attempt = 0;
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
    advance(event);
    while (held.has(lastSeq + 1)) {
      const next = held.get(lastSeq + 1);
      held.delete(lastSeq + 1);
      advance(next);
    }
    for (const seq of held.keys()) if (seq <= lastSeq) held.delete(seq);
    if (held.size === 0) resyncAskedAt = 0;
  }

  function advance(event) {
    lastSeq = event.seq;
    root.dataset.lastSeq = String(lastSeq);
    // "redacted" events keep their place in the sequence and are handed on like any other:
    // no listener knows what to do with them, which is the point.
    document.dispatchEvent(new CustomEvent("iep:event", { detail: event }));
  }

  function askResync() {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    if (resyncAskedAt && Date.now() - resyncAskedAt < RESYNC_RETRY_MS) return;
    resyncAskedAt = Date.now();
    socket.send(JSON.stringify({ type: "resync", after: lastSeq }));
  }

  // ---------- what listeners ask of the page ----------

  document.addEventListener("iep:announce", (event) => {
    const { text, isComment } = event.detail || {};
    if (!text) return;
    announcements.push({ text, isComment: Boolean(isComment) });
    // A resync may bring many events at once: one announcement for the lot.
    if (!announceTimer) announceTimer = setTimeout(flushAnnouncements, 60);
  });

  function flushAnnouncements() {
    announceTimer = null;
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

  document.addEventListener("iep:stale", () => {
    if (noticeEl && noticeEl.dataset.kind) return;
    showNotice(t("Changed"), location.pathname, t("Reload"), "changed");
  });

  // A listener's refresh of part of the page: {target, url, swap = "outerHTML", then}. Asked of the
  // server with live=1; what the person had typed or ticked there, and where their focus was (or
  // was about to go), is taken the moment the answer replaces it and put back right after.
  // Both happen on htmx's swap events, not when htmx.ajax's promise settles: while another
  // request of the same element is in flight htmx queues this one and settles the promise at once.
  const snapshots = new WeakMap(); // the request's XMLHttpRequest -> what to put back
  const afterSwap = new Map(); // live url -> callbacks to run once its answer is in the page
  document.addEventListener("iep:refresh", (event) => {
    const { target, url, swap = "outerHTML", then } = event.detail || {};
    if (!target || !url || !window.htmx) return;
    const live = /[?&]live=1/.test(url) ? url : `${url}${url.includes("?") ? "&" : "?"}live=1`;
    if (then) afterSwap.set(live, [...(afterSwap.get(live) || []), then]);
    window.htmx.ajax("GET", live, { target, swap });
  });
  document.addEventListener("htmx:beforeSwap", (event) => {
    const { target, xhr, requestConfig } = event.detail;
    const path = requestConfig && String(requestConfig.path || "");
    if (target && xhr && /[?&]live=1/.test(path) && event.detail.shouldSwap) snapshots.set(xhr, snapshot(target));
  });
  document.addEventListener("htmx:afterSwap", (event) => {
    const { xhr, requestConfig } = event.detail;
    if (xhr && snapshots.has(xhr)) {
      const saved = snapshots.get(xhr);
      snapshots.delete(xhr);
      restore(saved);
    }
    const path = requestConfig && String(requestConfig.path || "");
    const callbacks = afterSwap.get(path);
    if (callbacks) {
      afterSwap.delete(path);
      callbacks.forEach((callback) => callback());
    }
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

  // ---------- the connection's life with the tab ----------

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && !socket && !stopped && !paused) { attempt = 0; connect(); }
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

  connect();
}
