/* Parlor widget loader. Once the host page has painted, it asks the server
   how the launcher shows on this page (the channel's rules and allowed
   sites) and draws it in a shadow root in the top layer. The chat panel
   (wasm) and its config load only on intent: hover, focus or click on the
   launcher, a rule or trigger that opens the window, a page call that needs
   it, or a returning visitor's open conversation. No inline style, markup
   or eval: it runs under a strict CSP (docs/embedding.md). It defines
   `window.Parlor` (docs/embedding.md) and one flag. */
(function () {
  var w = window, d = document, html = d.documentElement;
  var cfg = __CONFIG__, base = __BASE__, flag = "__parlor_" + cfg.id;
  if (w[flag]) return;
  w[flag] = 1;
  var host, root, loading, widget, decided, online, hidden = false, forced = false;
  // Page calls that need the panel wait here until it has loaded, in order.
  var waiting = [], early = [];
  var listeners = { open: [], close: [], message: [] };
  function emit(name, detail) {
    var data = detail ? JSON.parse(detail) : undefined;
    (listeners[name] || []).slice().forEach(function (fn) {
      try { fn(data); } catch (e) { console.error(e); }
    });
  }
  function get(path, low) {
    return fetch(base + "../channels/" + cfg.id + path,
        { credentials: "omit", priority: low ? "low" : "auto" })
      .then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) throw new Error(body.message);
          return body;
        });
      });
  }
  function load() {
    if (!loading) {
      loading = Promise.all([import(base + __JS__), get("/config")]).then(function (r) {
        return r[0].default({ module_or_path: base + __WASM__ }).then(function () {
          widget = r[0].start(host, el("div", "", root), JSON.stringify(r[1]), false,
            base + "../live", emit, online);
          waiting.splice(0).forEach(function (f) { f(widget); });
          return widget;
        });
      });
      loading["catch"](function (e) {
        loading = null;
        console.error("Parlor: the chat could not load", e);
      });
    }
    return loading;
  }
  // A failed load is already reported; nothing may reach the host page.
  function call(method) {
    if (!host) {
      // Before the display decision: done once the launcher is drawn.
      if (!decided) early.push(method);
      return;
    }
    load().then(function (widget) { widget[method](); }, function () {});
  }
  // Applied now if the panel is there, else when it loads (no load forced).
  function later(f) {
    if (widget) f(widget);
    else waiting.push(f);
  }
  function el(tag, cls, parent) {
    var e = d.createElement(tag);
    if (cls) e.className = cls;
    parent.appendChild(e);
    return e;
  }
  // The channel's notification text floats beside the launcher until the
  // visitor opens the chat or dismisses it. Text only, never HTML.
  function bubble() {
    if (!cfg.notice) return;
    var box = el("div", "notice", root);
    var text = el("button", "notice-text", box);
    text.type = "button";
    text.textContent = cfg.notice;
    text.addEventListener("click", function () { box.remove(); call("open"); });
    var x = el("button", "notice-close", box);
    x.type = "button";
    x.setAttribute("aria-label", "Dismiss");
    x.textContent = "×";
    x.addEventListener("click", function () { box.remove(); });
  }
  function draw(display) {
    online = display.online;
    host = d.createElement("parlor-chat");
    host.hidden = hidden;
    root = host.attachShadow({ mode: "open" });
    // A constructed sheet, which no CSP refuses. The panel appends its own
    // to this list: it is never replaced.
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(__CSS__);
    root.adoptedStyleSheets = [sheet];
    var b = el("button", "launcher", root);
    b.type = "button";
    // The channel's title, in the site's language (the admin wrote it).
    b.setAttribute("aria-label", cfg.title);
    b.setAttribute("aria-haspopup", "dialog");
    b.setAttribute("aria-expanded", "false");
    b.style.setProperty("background", cfg.color);
    el("span", "i-chat", b);
    el("span", "i-close", b);
    el("span", "badge", b).hidden = true;
    b.addEventListener("pointerenter", load);
    b.addEventListener("focus", load);
    b.addEventListener("click", function () { call("toggle"); });
    // A child of <html> after <body>, out of reach of the body's styles,
    // and in the top layer: above any z-index, free of <html>'s transform,
    // filter and opacity. Browsers without popovers keep the first part.
    html.appendChild(host);
    try {
      host.popover = "manual";
      host.showPopover();
    } catch (e) {}
    // <html>'s zoom still scales its children: undone.
    var zoom = parseFloat(getComputedStyle(html).zoom);
    if (zoom > 0 && zoom != 1) sheet.cssRules[0].style.setProperty("zoom", zoom ** -1, "important");
    if (display.button === "notify") bubble();
    if (display.button === "open") {
      setTimeout(function () { call("open_quietly"); }, display.after_secs * 1000);
    }
    // Triggers: after their time on this page, a message in the channel's
    // name (the panel shows it only to a visitor not chatting already).
    (display.triggers || []).forEach(function (t) {
      setTimeout(function () {
        if (!hidden) load().then(function (widget) { widget.trigger(t.id, t.message); }, function () {});
      }, t.after_secs * 1000);
    });
    // A returning visitor with a conversation connects at once (in a task
    // of its own), so operator answers show on the launcher's badge (key:
    // see widget/src/saved.rs).
    var saved;
    try { saved = JSON.parse(localStorage.getItem("parlor:v1:" + cfg.id)); } catch (e) {}
    if (saved && (saved.conversation_id || (saved.outbox || []).length)) setTimeout(load);
    early.splice(0).forEach(call);
  }
  var api = {
    open: function () { call("open"); },
    close: function () { call("close"); },
    // Shows the launcher, even on a page where a rule hides it.
    show: function () {
      hidden = false;
      if (host) host.hidden = false;
      else if (decided) draw({ button: "show" });
      else forced = true;
    },
    hide: function () {
      hidden = true;
      if (host) host.hidden = true;
    },
    identify: function (who) {
      var json = JSON.stringify(who || {});
      later(function (widget) { widget.identify(json); });
    },
    setCustomField: function (key, value) {
      later(function (widget) { widget.set_field(String(key), String(value == null ? "" : value)); });
    },
    on: function (name, fn) {
      if (listeners[name] && typeof fn === "function") listeners[name].push(fn);
    },
    off: function (name, fn) {
      var list = listeners[name] || [];
      if (list.indexOf(fn) >= 0) list.splice(list.indexOf(fn), 1);
    }
  };
  // Calls queued before the loader ran: window.Parlor = [["identify", {...}]].
  var queued = w.Parlor;
  if (!queued || typeof queued.push === "function") {
    w.Parlor = api;
    (queued || []).forEach(function (c) {
      if (api[c[0]]) api[c[0]].apply(api, c.slice(1));
    });
    try { d.dispatchEvent(new CustomEvent("parlor:ready", { detail: api })); } catch (e) {}
  }
  // The host page paints first: the rest waits for the parsed document,
  // then its next frame, then a task of its own (a hidden tab has no
  // frames: just the task), and asks at low priority.
  function begin() {
    (d.hidden ? setTimeout : requestAnimationFrame)(function () {
      setTimeout(function () {
        get("/display?path=" + encodeURIComponent(location.pathname), 1).then(function (r) {
          decided = true;
          if (r.button !== "hide") draw(r);
          else if (forced) draw({ button: "show" });
        }, function (e) {
          console.warn("Parlor: the chat is not shown on this page:", e.message);
        });
      });
    });
  }
  if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", begin);
  else begin();
})();
