// The evaluator's report upload with a progress bar. Without this file the form posts to the page's
// own upload view and everything still works; with it, the file goes to the API
// (POST /api/v1/evaluation-requests/<id>/report/, session cookie + CSRF token) through
// XMLHttpRequest, whose upload events give the progress. The server's own error message is shown
// for a refused file (400, 413, 415); the file list is then fetched again from the server.
(function () {
  "use strict";

  var form = document.getElementById("upload-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;

  var input = document.getElementById("upload-file");
  var field = document.getElementById("upload-field");
  var errorEl = document.getElementById("upload-file-error");
  var progress = document.getElementById("upload-progress");
  var bar = document.getElementById("upload-bar");
  var fill = bar ? bar.querySelector(".progress__fill") : null;
  var statusEl = document.getElementById("upload-status");
  var button = document.getElementById("upload-button");
  var words = form.dataset;
  var busy = false;

  function t(key, vars) {
    var text = words["text" + key] || "";
    return text.replace(/\{(\w+)\}/g, function (_, name) { return vars && name in vars ? String(vars[name]) : ""; });
  }

  function csrfToken() {
    var hidden = form.querySelector("input[name=csrfmiddlewaretoken]");
    return hidden ? hidden.value : "";
  }

  function showError(message) {
    errorEl.textContent = "";
    if (message) {
      var hint = document.createElement("span");
      hint.className = "visually-hidden";
      hint.textContent = t("ErrorPrefix") + " ";
      errorEl.appendChild(hint);
      errorEl.appendChild(document.createTextNode(message));
    }
    errorEl.hidden = !message;
    field.classList.toggle("field--error", Boolean(message));
    if (message) {
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
  }

  function setProgress(percent) {
    var value = Math.max(0, Math.min(100, Math.round(percent)));
    progress.hidden = false;
    bar.setAttribute("aria-valuenow", String(value));
    bar.setAttribute("aria-valuetext", value + "%");
    if (fill) fill.style.width = value + "%";
  }

  function setStatus(text, kind) {
    statusEl.textContent = text;
    statusEl.dataset.kind = kind || "";
  }

  function finish() {
    busy = false;
    button.disabled = false;
    form.removeAttribute("aria-busy");
  }

  // The server's message from the contract's error shape, or a sentence of our own.
  function messageOf(xhr) {
    try {
      var body = JSON.parse(xhr.responseText);
      var error = body && body.error;
      if (error) {
        // A field's own message is the more precise one ("The file is empty.").
        var fields = error.fields || {};
        var first = fields.file || fields.kind;
        return (first && first[0]) || error.message;
      }
    } catch (e) { /* not JSON: a proxy's page */ }
    if (xhr.status === 413) return t("TooLarge");
    if (xhr.status === 401) return t("SignedOut");
    return t("Failed");
  }

  function refreshFiles() {
    var list = document.getElementById("files-list");
    if (!list || !list.dataset.filesUrl) return;
    if (window.htmx) {
      window.htmx.ajax("GET", list.dataset.filesUrl, { target: list, swap: "outerHTML" });
    } else {
      window.location.reload();
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) return;
    var file = input.files && input.files[0];
    showError("");
    if (!file) { showError(t("Choose")); input.focus(); return; }
    var max = Number(words.maxBytes) || 0;
    if (max && file.size > max) { showError(t("TooLarge")); input.focus(); return; }
    if (file.type && file.type !== "application/pdf" && !/\.pdf$/i.test(file.name)) {
      showError(t("NotPdf")); input.focus(); return;
    }

    var data = new FormData();
    data.append("file", file, file.name);
    var kind = form.querySelector("input[name=kind]:checked");
    data.append("kind", kind ? kind.value : "report");

    var xhr = new XMLHttpRequest();
    xhr.open("POST", words.uploadUrl);
    xhr.setRequestHeader("X-CSRFToken", csrfToken());
    xhr.setRequestHeader("Accept", "application/json");
    xhr.withCredentials = true;

    busy = true;
    button.disabled = true;
    form.setAttribute("aria-busy", "true");
    setProgress(0);
    setStatus(t("Progress", { percent: 0 }), "progress");

    var lastAnnounced = 0;
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      var percent = (e.loaded / e.total) * 100;
      setProgress(percent);
      // The visible bar moves smoothly; the spoken status only every 25%.
      if (percent >= 100) {
        setStatus(t("Checking"), "progress");
      } else if (percent - lastAnnounced >= 25) {
        lastAnnounced = Math.floor(percent / 25) * 25;
        setStatus(t("Progress", { percent: lastAnnounced }), "progress");
      }
    });
    xhr.addEventListener("load", function () {
      finish();
      if (xhr.status === 201) {
        var name = file.name;
        try { name = JSON.parse(xhr.responseText).name || name; } catch (e) { /* keep the local name */ }
        setProgress(100);
        setStatus(t("Done", { name: name }), "done");
        form.reset();
        refreshFiles();
      } else {
        progress.hidden = true;
        setStatus("", "");
        showError(messageOf(xhr));
        input.focus();
      }
    });
    function failed() {
      finish();
      progress.hidden = true;
      setStatus("", "");
      showError(t("Failed"));
    }
    xhr.addEventListener("error", failed);
    xhr.addEventListener("abort", failed);
    xhr.send(data);
  });
})();
