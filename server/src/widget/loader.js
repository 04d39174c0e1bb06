/* Parlor widget loader. It asks the server how the launcher shows on this
   page (the channel's rules and allowed sites), draws it in a shadow root,
   and loads the chat panel (wasm) only on intent (hover, focus, click), when
   a rule or the page opens it, or when the page has been idle for a few
   seconds. It defines `window.Parlor` (docs/embedding.md) and one flag. */
(function () {
  var w = window, d = document, cfg = __CONFIG__, base = __BASE__;
  var flag = "__parlor_" + cfg.channel_id;
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
  function load() {
    if (!loading) {
      loading = import(base + __JS__).then(function (m) {
        return m.default({ module_or_path: base + __WASM__ }).then(function () {
          var box = d.createElement("div");
          root.appendChild(box);
          widget = m.start(host, box, JSON.stringify(cfg), false, base + "../live", emit, online);
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
  function idle() {
    setTimeout(function () {
      (w.requestIdleCallback || setTimeout)(function () { load(); });
    }, 4000);
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
    if (!cfg.notification_text) return;
    var box = el("div", "notice", root);
    var text = el("button", "notice-text", box);
    text.type = "button";
    text.textContent = cfg.notification_text;
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
    if (hidden) host.setAttribute("hidden", "");
    root = host.attachShadow({ mode: "open" });
    el("style", "", root).textContent = __CSS__;
    var b = el("button", "launcher", root);
    b.type = "button";
    // The channel's title, in the site's language (the admin wrote it).
    b.setAttribute("aria-label", cfg.window_title);
    b.setAttribute("aria-haspopup", "dialog");
    b.setAttribute("aria-expanded", "false");
    b.style.background = cfg.button_color;
    b.innerHTML = __ICONS__ + '<span class="badge" hidden></span>';
    b.addEventListener("pointerenter", load);
    b.addEventListener("focus", load);
    b.addEventListener("click", function () { call("toggle"); });
    (d.body || d.documentElement).appendChild(host);
    if (display.button === "notify") bubble();
    if (display.button === "open") {
      setTimeout(function () { call("open_quietly"); }, display.after_secs * 1000);
    }
    // Triggers: after their time on this page, a message in the channel's
    // name (the panel shows it only to a visitor not chatting already).
    (display.triggers || []).forEach(function (t) {
      setTimeout(function () {
        if (host && !hidden) {
          load().then(function (widget) { widget.trigger(t.id, t.message); }, function () {});
        }
      }, t.after_secs * 1000);
    });
    // A returning visitor with a conversation connects at once, so operator
    // answers show on the launcher's badge (key: see widget/src/saved.rs).
    var saved;
    try { saved = JSON.parse(localStorage.getItem("parlor:v1:" + cfg.channel_id)); } catch (e) {}
    if (saved && (saved.conversation_id || (saved.outbox || []).length)) load();
    else if (d.readyState === "complete") idle();
    else w.addEventListener("load", idle);
    early.splice(0).forEach(call);
  }
  var api = {
    open: function () { call("open"); },
    close: function () { call("close"); },
    // Shows the launcher, even on a page where a rule hides it.
    show: function () {
      hidden = false;
      if (host) host.removeAttribute("hidden");
      else if (decided) draw({ button: "show" });
      else forced = true;
    },
    hide: function () {
      hidden = true;
      if (host) host.setAttribute("hidden", "");
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
  var display = fetch(base + "../channels/" + cfg.channel_id + "/display?path=" +
      encodeURIComponent(location.pathname), { credentials: "omit" })
    .then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body.message);
        return body;
      });
    });
  var ready = new Promise(function (done) {
    if (d.body) done();
    else d.addEventListener("DOMContentLoaded", done);
  });
  Promise.all([display, ready]).then(function (r) {
    decided = true;
    if (r[0].button !== "hide") draw(r[0]);
    else if (forced) draw({ button: "show" });
  }, function (e) {
    console.warn("Parlor: the chat is not shown on this page:", e.message);
  });
})();
