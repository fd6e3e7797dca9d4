// The editor's enhancements (issue 15 item 1) on forms marked data-editor:
// the preview shown in place (POST /api/v1/preview), drafts saved while
// typing (PUT /api/v1/drafts), a Markdown toolbar, @ suggestions (GET
// /api/v1/members/suggest) and quoting only the selected text. Each has a
// path without JavaScript: Preview and Save draft post the form, and the
// toolbar and suggestions simply do not appear.
(function () {
  "use strict";
  function api(method, url, csrf, body, done) {
    var x = new XMLHttpRequest();
    x.open(method, url);
    x.setRequestHeader("Accept", "application/json");
    if (body !== null) x.setRequestHeader("Content-Type", "application/json");
    if (csrf) x.setRequestHeader("X-CSRF-Token", csrf);
    x.onload = function () {
      var j = null;
      try { j = JSON.parse(x.responseText); } catch (e) { j = null; }
      done(x.status, j);
    };
    x.onerror = function () { done(0, null); };
    x.send(body === null ? null : JSON.stringify(body));
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text) e.textContent = text;
    return e;
  }

  function setup(form) {
    var id = form.getAttribute("data-editor");
    var text = document.getElementById(id + "-body");
    if (!text) return;
    var csrfIn = form.querySelector("input[name=_csrf]"), csrf = csrfIn ? csrfIn.value : "";
    var status = document.getElementById(id + "-editor-status");
    var thread = parseInt(form.getAttribute("data-thread"), 10) || 0;
    function say(m) { if (status) status.textContent = m; }
    // tr: a word of the page's language, from the status line's data-t-*
    // attributes (templates/partials/editor.html), with {name} filled in.
    function tr(k, v) {
      var s = (status && status.getAttribute("data-t-" + k)) || "";
      for (var n in v) s = s.split("{" + n + "}").join(v[n]);
      return s;
    }
    function failed(j, k) { return (j && j.error && j.error.message) || tr(k); }
    function field(n) { var f = form.elements[n]; return f && typeof f.value === "string" ? f.value : ""; }
    function changed() { text.dispatchEvent(new Event("input", { bubbles: true })); }

    // Preview in place.
    var box = document.getElementById(id + "-preview");
    var pv = form.querySelector("button[value=preview]");
    if (pv && box) pv.addEventListener("click", function (e) {
      e.preventDefault();
      say(tr("rendering"));
      api("POST", "/api/v1/preview", csrf, { body: text.value }, function (st, j) {
        if (st !== 200 || !j) return say(failed(j, "preview-failed"));
        box.querySelector(".post-body").innerHTML = j.html; // sanitised by the server as posts are
        box.hidden = false;
        say(tr("preview-updated"));
      });
    });

    // Drafts, saved a second after typing stops.
    var timer = null, saved = null, posting = false;
    function draft() {
      if (posting) return;
      var d = { thread_id: thread, title: field("title"), category: field("category"), tags: field("tags"), body: text.value };
      var key = JSON.stringify(d);
      if (key === saved) return;
      api("PUT", "/api/v1/drafts", csrf, d, function (st, j) {
        if (st === 200 || st === 204) { saved = key; say(st === 200 ? tr("draft-saved") : ""); } else say(failed(j, "draft-failed"));
      });
    }
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(draft, 1000); });
    form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(draft, 1000); });
    var sd = form.querySelector("button[value=draft]");
    if (sd) sd.addEventListener("click", function (e) { e.preventDefault(); clearTimeout(timer); saved = null; draft(); });
    form.addEventListener("submit", function () { posting = true; clearTimeout(timer); });

    // Toolbar: wraps the selection in Markdown.
    function edit(fn) {
      var s = text.selectionStart, e = text.selectionEnd, v = text.value;
      var r = fn(v.slice(s, e));
      text.value = v.slice(0, s) + r[0] + v.slice(e);
      text.focus();
      text.setSelectionRange(s + r[1], s + r[2]);
      changed();
    }
    function wrap(a, b, ph) {
      return function () { edit(function (sel) { sel = sel || ph; return [a + sel + b, a.length, a.length + sel.length]; }); };
    }
    function lines(prefix) {
      return function () {
        edit(function (sel) {
          var out = (sel || tr("text")).split("\n").map(function (l) { return prefix + l; }).join("\n");
          return [out, 0, out.length];
        });
      };
    }
    var file = document.getElementById(id + "-file");
    var tools = [
      [tr("bold"), wrap("**", "**", tr("bold-text"))], [tr("italic"), wrap("_", "_", tr("italic-text"))],
      [tr("link"), function () {
        edit(function (sel) { sel = sel || tr("link-text"); var o = "[" + sel + "](https://)"; return [o, sel.length + 3, o.length - 1]; });
      }],
      [tr("quote"), lines("> ")],
      [tr("code"), function () {
        edit(function (sel) {
          if (sel.indexOf("\n") >= 0) { var b = "```\n" + sel + "\n```"; return [b, 4, 4 + sel.length]; }
          sel = sel || tr("code-text");
          return ["`" + sel + "`", 1, 1 + sel.length];
        });
      }],
      [tr("list"), lines("- ")]
    ];
    if (file) tools.push([tr("image"), function () { file.click(); }]);
    var bar = el("div", { role: "toolbar", "aria-label": tr("toolbar"), "aria-controls": text.id, "class": "editor-toolbar" });
    tools.forEach(function (t) {
      var b = el("button", { type: "button", "class": "btn btn-small btn-quiet" }, t[0]);
      b.addEventListener("click", t[1]);
      bar.appendChild(b);
    });
    text.parentNode.insertBefore(bar, text);

    // @ suggestions in a listbox under the text box.
    var list = el("ul", { role: "listbox", id: id + "-mentions", "class": "mention-list", "aria-label": tr("members") });
    list.hidden = true;
    text.parentNode.insertBefore(list, text.nextSibling);
    text.setAttribute("aria-autocomplete", "list");
    text.setAttribute("aria-controls", list.id);
    // No aria-expanded: a textarea is a textbox, which does not take it
    // (axe-core aria-allowed-attr, critical); the list's hidden says it.
    var items = [], active = -1, word = null, asked = 0, mtimer = null;
    function close() {
      list.hidden = true; list.textContent = ""; items = []; active = -1;
      text.removeAttribute("aria-activedescendant");
    }
    function mark(i) {
      active = i;
      items.forEach(function (li, k) { li.setAttribute("aria-selected", k === i ? "true" : "false"); });
      if (i >= 0) text.setAttribute("aria-activedescendant", items[i].id); else text.removeAttribute("aria-activedescendant");
    }
    function choose(i) {
      var h = items[i].getAttribute("data-handle"), end = text.selectionStart, start = end - word.length;
      text.value = text.value.slice(0, start) + h + " " + text.value.slice(end);
      var at = start + h.length + 1;
      text.setSelectionRange(at, at);
      close(); changed();
    }
    function show(members) {
      close();
      members.forEach(function (m, i) {
        var li = el("li", { role: "option", id: id + "-mention-" + i, "data-handle": m.handle, "aria-selected": "false" }, "@" + m.handle);
        if (m.display_name) li.appendChild(el("span", { "class": "muted" }, " " + m.display_name));
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li); items.push(li);
      });
      if (!items.length) return;
      list.hidden = false; mark(0);
    }
    text.addEventListener("input", function () {
      var m = /(^|\s)@([\w.-]+(@[\w.-]*)?)$/.exec(text.value.slice(0, text.selectionStart));
      clearTimeout(mtimer);
      if (!m) { word = null; return close(); }
      word = m[2];
      var n = ++asked;
      mtimer = setTimeout(function () {
        api("GET", "/api/v1/members/suggest?q=" + encodeURIComponent(word), "", null, function (st, j) {
          if (n === asked && st === 200 && j && j.members) show(j.members);
        });
      }, 150);
    });
    text.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        mark((active + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length);
      } else if ((e.key === "Enter" || e.key === "Tab") && active >= 0) {
        e.preventDefault(); choose(active);
      } else if (e.key === "Escape") { e.preventDefault(); close(); }
    });
    text.addEventListener("blur", function () { setTimeout(close, 100); });

    // "Reply" with text selected in that post quotes only the selection.
    if (thread) document.querySelectorAll("a[data-quote]").forEach(function (a) {
      a.addEventListener("click", function (e) {
        var sel = window.getSelection(), post = a.closest(".post-main");
        var s = sel ? String(sel).trim() : "";
        var body = post && post.querySelector(".post-body");
        if (!s || !body || !sel.anchorNode || !body.contains(sel.anchorNode)) return; // the server quotes the whole post
        e.preventDefault();
        var who = a.getAttribute("data-quote-author");
        var q = (who ? "> " + tr("wrote", { who: who }) + "\n>\n" : "") + s.split("\n").map(function (l) { return l.trim() ? "> " + l : ">"; }).join("\n") + "\n\n";
        text.value = (text.value.trim() ? text.value.replace(/\s+$/, "") + "\n\n" : "") + q;
        var rt = form.querySelector("input[name=reply_to]");
        if (!rt) { rt = el("input", { type: "hidden", name: "reply_to" }); form.appendChild(rt); }
        rt.value = a.getAttribute("data-quote");
        text.focus();
        text.setSelectionRange(text.value.length, text.value.length);
        changed();
      });
    });
  }
  document.querySelectorAll("form[data-editor]").forEach(setup);
})();
