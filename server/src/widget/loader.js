/* Parlor widget loader. It draws the launcher in a shadow root and loads the
   chat panel (wasm) only on intent (hover, focus, click) or when the page has
   been idle for a few seconds. It defines no globals but one flag. */
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
  function toggle() {
    // A failed load is already reported; nothing may reach the host page.
    load().then(function (widget) { widget.toggle(); }, function () {});
  }
  function idle() {
    setTimeout(function () {
      (w.requestIdleCallback || setTimeout)(function () { load(); });
    }, 4000);
  }
  function draw() {
    host = d.createElement("parlor-chat");
    root = host.attachShadow({ mode: "open" });
    var st = d.createElement("style");
    st.textContent = __CSS__;
    root.appendChild(st);
    var b = d.createElement("button");
    b.type = "button";
    b.className = "launcher";
    // The channel's title, in the site's language (the admin wrote it).
    b.setAttribute("aria-label", cfg.window_title);
    b.setAttribute("aria-haspopup", "dialog");
    b.setAttribute("aria-expanded", "false");
    b.style.background = cfg.button_color;
    b.innerHTML = __ICONS__ + '<span class="badge" hidden></span>';
    b.addEventListener("pointerenter", load);
    b.addEventListener("focus", load);
    b.addEventListener("click", toggle);
    root.appendChild(b);
    (d.body || d.documentElement).appendChild(host);
    // A returning visitor with a conversation connects at once, so operator
    // answers show on the launcher's badge (key: see widget/src/saved.rs).
    var saved;
    try { saved = JSON.parse(localStorage.getItem("parlor:v1:" + cfg.channel_id)); } catch (e) {}
    if (saved && (saved.conversation_id || (saved.outbox || []).length)) load();
    else if (d.readyState === "complete") idle();
    else w.addEventListener("load", idle);
  }
  if (d.body) draw();
  else d.addEventListener("DOMContentLoaded", draw);
})();
