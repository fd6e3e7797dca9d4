// Hearth progressive enhancement. Every feature works without this file.
(function () {
  "use strict";

  // Ctrl+Enter / Cmd+Enter in a textarea submits its form.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" || !(e.ctrlKey || e.metaKey)) return;
    var el = e.target;
    if (!(el instanceof HTMLTextAreaElement) || !el.form) return;
    e.preventDefault();
    if (typeof el.form.requestSubmit === "function") {
      el.form.requestSubmit();
    } else {
      el.form.submit();
    }
  });

  // Copy buttons (e.g. a fediverse handle): shown only where the clipboard
  // API exists, since without JavaScript the text is simply selectable.
  if (navigator.clipboard) {
    document.querySelectorAll("[data-copy]").forEach(function (btn) {
      var target = document.getElementById(btn.getAttribute("data-copy"));
      if (!target) return;
      btn.hidden = false;
      btn.addEventListener("click", function () {
        navigator.clipboard.writeText(target.textContent.trim()).then(function () {
          btn.textContent = btn.getAttribute("data-copied") || btn.textContent; // the page's language
        });
      });
    });
  }

  // Watch / track / mute: choosing a level saves it, so the Save button
  // (there for browsers without JavaScript) is not needed.
  document.querySelectorAll("form.notification-level select").forEach(function (sel) {
    var btn = sel.form.querySelector("button[type=submit]");
    if (btn) btn.hidden = true;
    sel.addEventListener("change", function () {
      if (typeof sel.form.requestSubmit === "function") {
        sel.form.requestSubmit();
      } else {
        sel.form.submit();
      }
    });
  });
})();
