// Paste or drop a file into a post's text box: it is uploaded at once
// (POST /api/v1/uploads with the session and the form's CSRF token) and
// its Markdown inserted where the cursor is, with progress shown in the
// form's status line. Without this script the form's file input still
// works: the server appends the file's Markdown when the form is posted.
(function () {
  "use strict";
  function setup(box) {
    var form = box.closest("form");
    var text = document.getElementById(box.getAttribute("data-upload-for") + "-body");
    if (!form || !text) return;
    var status = box.querySelector(".upload-status");
    var alt = box.querySelector("input[name=alt]");
    var csrf = form.querySelector("input[name=_csrf]");
    function say(msg) { if (status) status.textContent = msg; }
    // tr: a message in the page's language from the status line's data-t-*
    // attributes (templates/partials/attach.html), {name} etc. filled in.
    function tr(k, v) {
      var s = (status && status.getAttribute("data-t-" + k)) || "";
      for (var n in v) s = s.split("{" + n + "}").join(v[n]);
      return s;
    }
    function insert(md) {
      var start = text.selectionStart || 0, end = text.selectionEnd || 0, v = text.value;
      var before = v.slice(0, start), after = v.slice(end);
      var lead = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
      var piece = lead + md + "\n";
      text.value = before + piece + after;
      var at = before.length + piece.length;
      text.setSelectionRange(at, at);
      text.dispatchEvent(new Event("input", { bubbles: true }));
    }
    function upload(file) {
      var name = file.name || tr("image");
      var data = new FormData();
      data.append("file", file, file.name || "pasted");
      if (alt && alt.value) data.append("alt", alt.value);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/v1/uploads");
      xhr.setRequestHeader("Accept", "application/json");
      if (csrf) xhr.setRequestHeader("X-CSRF-Token", csrf.value);
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) say(tr("progress", { name: name, percent: Math.round(100 * e.loaded / e.total) }));
      };
      xhr.onload = function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
        if (xhr.status === 201 && body && body.markdown) {
          insert(body.markdown);
          if (alt) alt.value = "";
          say(tr("attached", { name: name }));
        } else {
          say((body && body.error && body.error.message) || tr("failed-status", { status: xhr.status }));
        }
      };
      xhr.onerror = function () { say(tr("failed")); };
      say(tr("uploading", { name: name }));
      xhr.send(data);
    }
    function files(list) {
      var any = false;
      for (var i = 0; list && i < list.length; i++) {
        if (list[i].kind === "file" || list[i] instanceof File) {
          var f = list[i].getAsFile ? list[i].getAsFile() : list[i];
          if (f) { upload(f); any = true; }
        }
      }
      return any;
    }
    text.addEventListener("paste", function (e) {
      if (e.clipboardData && files(e.clipboardData.items)) e.preventDefault();
    });
    text.addEventListener("dragover", function (e) {
      if (e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, "Files") >= 0) e.preventDefault();
    });
    text.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) {
        e.preventDefault();
        text.focus();
        files(e.dataTransfer.files);
      }
    });
    box.setAttribute("data-enhanced", "");
  }
  document.querySelectorAll("[data-upload-for]").forEach(setup);
})();
