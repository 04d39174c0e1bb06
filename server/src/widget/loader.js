/* Parlor widget loader. It asks the server how the launcher shows on this
   page (the channel's rules and allowed sites), draws it in a shadow root,
   and loads the chat panel (wasm) only on intent (hover, focus, click), when
   a rule opens it, or when the page has been idle for a few seconds. It
   defines no globals but one flag. */
(function () {
  var w = window, d = document, cfg = __CONFIG__, base = __BASE__;
  var flag = "__parlor_" + cfg.channel_id;
  if (w[flag]) return;
  w[flag] = 1;
  var host, root, loading;
  function load() {
    if (!loading) {
      loading = import(base + __JS__).then(function (m) {
        return m.default({ module_or_path: base + __WASM__ }).then(function () {
          var box = d.createElement("div");
          root.appendChild(box);
          return m.start(host, box, JSON.stringify(cfg), false, base + "../live");
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
    load().then(function (widget) { widget[method](); }, function () {});
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
    host = d.createElement("parlor-chat");
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
    // A returning visitor with a conversation connects at once, so operator
    // answers show on the launcher's badge (key: see widget/src/saved.rs).
    var saved;
    try { saved = JSON.parse(localStorage.getItem("parlor:v1:" + cfg.channel_id)); } catch (e) {}
    if (saved && (saved.conversation_id || (saved.outbox || []).length)) load();
    else if (d.readyState === "complete") idle();
    else w.addEventListener("load", idle);
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
    if (r[0].button !== "hide") draw(r[0]);
  }, function (e) {
    console.warn("Parlor: the chat is not shown on this page:", e.message);
  });
})();
