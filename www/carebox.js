/*! Carebox loader */
// Draws the launcher; loads the widget app only when the shopper shows intent.
(function () {
  // Loaded twice (a theme and an app both pasting the snippet): the first one serves.
  if (window.Carebox && window.Carebox.instances) return;
  // `cargo xtask dist` replaces these with the content-hashed app file names.
  var APP = {
    js: "__CAREBOX_APP_JS__", wasm: "__CAREBOX_APP_WASM__", css: "__CAREBOX_APP_CSS__",
    frameHost: "__CAREBOX_APP_FRAME_HOST__", fallback: "__CAREBOX_APP_FALLBACK__"
  };
  // [the launcher's name (one name; aria-expanded tells open from closed), the notice for when
  // not even frame mode's module may load (a policy that allows only this file);
  // fallback.js has the full message with "Try again" and a contact]
  var LABELS = {
    en: ["Help", "Help is unavailable."],
    ru: ["Помощь", "Помощь недоступна."],
    ar: ["المساعدة", "المساعدة غير متاحة."]
  };
  var ACCENT = "var(--carebox-accent,var(--carebox-theme-accent,#4f46e5))";
  // Inner-context !important rules win over the page's, even over its `* {… !important}` and
  // rules that match the host by tag or state (`carebox-widget`, `:empty`, `:not(:defined)`).
  // `all` resets every inherited property but direction, which is set alone. Physical sides:
  // the widget's own direction, not the page's, mirrors it.
  var STYLE =
    // (`all: initial` already makes inset auto and overflow visible.)
    ":host{all:initial!important;display:block!important;position:fixed!important;direction:ltr!important;" +
    "z-index:var(--carebox-z-index,2147483000)!important;" +
    "bottom:var(--carebox-offset-y,20px)!important;right:var(--carebox-offset-x,20px)!important}" +
    ":host([data-side=left]){right:auto!important;left:var(--carebox-offset-x,20px)!important}" +
    // In-page mode: a block in the merchant's page (the loader drops the launcher).
    ":host([data-in-page]){position:static!important}" +
    // Round, or a pill with the `label` option's text after the icon.
    ".launcher{all:initial;display:grid;grid-auto-flow:column;gap:8px;place-items:center;border-radius:99px;cursor:pointer;" +
    "height:var(--carebox-launcher-size,56px);min-width:var(--carebox-launcher-size,56px);font:600 15px system-ui;" +
    "background:" + ACCENT + ";color:#fff;box-shadow:0 6px 20px rgb(15 20 40/.28)}" +
    // Lit, not moved: nothing to turn off for reduced motion.
    ".launcher:hover{filter:brightness(1.12)}" +
    ".launcher:focus-visible{outline:3px solid " + ACCENT + ";outline-offset:3px}" +
    ".launcher[aria-busy=true]{cursor:progress;opacity:.8}" +
    ":host([data-label]) .launcher{padding:0 22px 0 16px}" +
    ".notice{position:absolute;bottom:calc(100% + 12px);right:0;width:max-content;max-width:70vw;padding:16px;" +
    "border-radius:12px;background:#fff;color:#1f2330;font:15px system-ui;box-shadow:0 6px 20px rgb(15 20 40/.28)}" +
    ":host([data-side=left]) .notice{right:auto;left:0}";
  var ICON =
    '<svg part="launcher-icon" viewBox="0 0 24 24" width="26" height="26" aria-hidden="true">' +
    '<path d="M4 5h16v11H9l-5 4z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/></svg>';

  // Only a real <script> element: page markup can shadow `document.currentScript`
  // (`<img name="currentScript" src="https://evil.example/…">`), and the app would be
  // imported from where it points. Shadowed, the widget does not start and says why.
  var script = document.currentScript;
  if (!(script instanceof HTMLScriptElement)) return console.error("Carebox could not start: page markup shadows document.currentScript");
  var scriptUrl = new URL(script.src);
  var base = new URL(".", scriptUrl).href;

  function languageOf(options) {
    var tag = options.locale || document.documentElement.lang || navigator.language || "en";
    var primary = tag.toLowerCase().split(/[-_]/)[0];
    return LABELS[primary] ? primary : "en";
  }

  /** A stylesheet for a shadow root that needs no `style-src` entry in the page's CSP. */
  function sheet(css) {
    var made = new CSSStyleSheet();
    made.replaceSync(css);
    return made;
  }

  /** Removes what a widget kept in this browser (complaint drafts, `carebox:<key>:…`). */
  function forget(key) {
    try {
      Object.keys(localStorage).forEach(function (name) {
        if (name.startsWith("carebox:" + key + ":")) localStorage.removeItem(name);
      });
    } catch (blocked) {} // storage off: nothing was kept
  }

  /** Whether this page's CSP lets WebAssembly compile: asked before anything is fetched. */
  function wasmAllowed() {
    try {
      return !!new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    } catch (refused) {
      return false;
    }
  }

  // A tag of our own, so no page rule written for `div` reaches the host.
  if (!customElements.get("carebox-widget")) customElements.define("carebox-widget", class extends HTMLElement {});

  /** Creates one widget instance; several can live on a page. */
  function init(options) {
    // In-page mode (`mount`): the panel sits in this element of the page, open, with no launcher.
    var place = options.mount;
    if (place && !(place = place.nodeType ? place : document.querySelector(place))) {
      throw new Error("Carebox: mount " + options.mount + " matches no element");
    }
    var config = {
      inPage: !!place,
      key: options.key,
      api: options.api || scriptUrl.origin,
      locale: options.locale,
      pageLang: document.documentElement.lang || undefined,
      shopperToken: options.shopperToken,
      theme: options.theme,
      strings: options.strings,
      // The app's folder (any file in it), where it fetches a language's texts.
      app: base + APP.css
    };
    var language, labels;
    var host = document.createElement("carebox-widget");
    host.setAttribute("data-carebox", "");
    var root = host.attachShadow({ mode: "open" });
    root.adoptedStyleSheets = [sheet(STYLE)];
    root.innerHTML =
      '<button class="launcher" part="launcher" type="button" ' +
      'aria-haspopup="dialog" aria-expanded="false">' + ICON + '</button><div class="app"></div>';
    var launcher = root.querySelector(".launcher");
    var container = root.querySelector(".app");
    if (options.label) {
      // Shown, so it is the launcher's name as well (the same words for every user).
      host.setAttribute("data-label", "");
      launcher.appendChild(document.createElement("span")).part = "launcher-label";
      launcher.lastChild.textContent = options.label;
    }
    function speak(locale) {
      options.locale = locale;
      language = languageOf(options);
      labels = LABELS[language];
      launcher.setAttribute("aria-label", options.label || labels[0]);
      // Right by default, mirrored for a right-to-left language.
      host.setAttribute("data-side", (options.position === "left") === (language !== "ar") ? "left" : "right");
    }
    speak(options.locale);
    if (place) {
      host.setAttribute("data-in-page", "");
      launcher.remove();
    } else host.setAttribute("popover", "manual");
    function attach() {
      if (host.isConnected) return;
      (place || options.target || document.body).appendChild(host);
      // The top layer: above every stacking context, and out of reach of a page's transform,
      // filter or overflow on an ancestor (which would turn `position: fixed` into a trap).
      if (host.popover) host.showPopover();
    }
    attach();

    function announce(name, detail) {
      host.dispatchEvent(new CustomEvent("carebox:" + name, { detail: detail, bubbles: true, composed: true }));
    }

    /** The app in this page's shadow root. */
    function startInline() {
      // Fetched and adopted, not linked: a page whose CSP allows no stylesheets still shows it.
      var css = fetch(base + APP.css)
        .then(function (response) { return response.text(); })
        .then(function (text) { root.adoptedStyleSheets = root.adoptedStyleSheets.concat(sheet(text)); });
      // The wasm download starts now, alongside the JS glue and CSS, not after them; so does
      // the merchant's configuration, which the app would ask for only once it runs (it takes
      // a success from this, and asks again after anything else). Caught here too: an app that
      // never starts leaves no unhandled rejection.
      var wasm = fetch(base + APP.wasm);
      var answer = fetch(config.api + "/v1/widget/config?key=" + config.key).catch(Object);
      return Promise.all([import(base + APP.js), css]).then(function (loaded) {
        var app = loaded[0];
        return app.default({ module_or_path: wasm }).then(function () {
          return app.mount(container, config, answer);
        });
      });
    }

    // Frame mode and the "cannot start" panel live in modules of their own: only pages whose
    // CSP forbids WebAssembly (or where the app failed) fetch them.
    var ctx = {
      host: host, root: root, container: container, launcher: launcher, config: config, options: options,
      get language() { return language; }, sheet: sheet, announce: announce, load: function () { return load(); }
    };
    function part(name) {
      return import(base + APP[name]);
    }
    function startFrame() {
      return part("frameHost").then(function (frame) { return frame.startFrame(ctx); });
    }
    function showFallback() {
      part("fallback").then(function (fallback) { fallback.showFallback(ctx); }).catch(function () {
        var notice = document.createElement("p");
        notice.className = "notice";
        notice.setAttribute("role", "alert");
        notice.textContent = labels[1];
        container.appendChild(notice);
      });
    }

    var loading = null;
    function load() {
      if (!loading) {
        launcher.setAttribute("aria-busy", "true");
        var inline = options.mode !== "frame" && wasmAllowed();
        // A configuration the app refused ("Carebox: data-key …") would fail in a frame too.
        loading = (inline ? startInline().catch(function (error) {
          if (/^Carebox:/.test(error && error.message)) throw error;
          return startFrame();
        }) : startFrame()).finally(function () {
          launcher.removeAttribute("aria-busy");
        });
        loading.then(function (started) { widget = started; }, function (error) {
          loading = null; // let the next intent try again
          console.error("Carebox could not start:", error);
          announce("error", { message: String(error && error.message || error) });
        });
      }
      return loading;
    }
    var widget = null;
    /** Runs `use(widget)` once the app is there, without loading it for that alone. */
    function whenLoaded(use) {
      if (loading) loading.then(use, function () {});
    }

    host.addEventListener("carebox:open", function () {
      launcher.setAttribute("aria-expanded", "true");
    });
    host.addEventListener("carebox:close", function () {
      launcher.setAttribute("aria-expanded", "false");
      // Focus goes back to the launcher when it was inside the widget (or lost to <body>).
      if (root.activeElement || document.activeElement === document.body) launcher.focus();
    });
    ["pointerenter", "focus", "touchstart"].forEach(function (intent) {
      launcher.addEventListener(intent, function () { load().catch(function () {}); }, { once: true, passive: true });
    });
    launcher.addEventListener("click", function () {
      var shown = root.querySelector(".fallback,.notice");
      if (shown) {
        shown.remove();
        launcher.setAttribute("aria-expanded", "false");
        return;
      }
      load().then(function (widget) { widget.toggle(); }, showFallback);
    });

    var handle = {
      /** Opens the panel, on a screen when given: `open({ view: "order", order: "NW-1003" })`. */
      open: function (target) {
        return load().then(function (app) { if (target && target.view) app.show(target); else app.open(); });
      },
      close: function () { whenLoaded(function (app) { app.close(); }); },
      toggle: function () { return load().then(function (app) { app.toggle(); }); },
      isOpen: function () { return !!(widget && widget.isOpen()); },
      /** Names the shopper with a token your backend signed (`null` forgets them); loads nothing. */
      identify: function (token) {
        config.shopperToken = token || undefined;
        whenLoaded(function (app) { app.identify(token || undefined); });
      },
      setLocale: function (locale) {
        speak(locale);
        config.locale = locale;
        whenLoaded(function (app) { app.setLocale(locale); });
      },
      /** For single-page apps: after a route change, puts the widget back if the page removed it. */
      update: function (changes) {
        changes = changes || {};
        attach();
        if ("shopperToken" in changes) handle.identify(changes.shopperToken);
        if (changes.locale) handle.setLocale(changes.locale);
      },
      /** Calls fn(detail) on each `name` event (open, close, complaint-submitted, …); returns an unsubscribe. */
      on: function (name, fn) {
        function listener(event) { fn(event.detail); }
        host.addEventListener("carebox:" + name, listener);
        return function () { host.removeEventListener("carebox:" + name, listener); };
      },
      /** Removes the widget and everything it started or stored; the handle is spent. */
      destroy: function () {
        var app = widget;
        if (!app) whenLoaded(function (late) { late.destroy(); });
        forget(config.key);
        loading = Promise.reject(new Error("destroyed"));
        loading.catch(function () {});
        // A framed app first forgets what it kept in its own origin's storage; then it goes.
        Promise.resolve(app && app.destroy()).then(function () { host.remove(); });
        api.instances = api.instances.filter(function (other) { return other !== handle; });
        if (api.current === handle) api.current = api.instances[0];
      },
      host: host
    };
    // After the caller's own `on("ready", …)` right behind `init()`.
    setTimeout(function () { if (host.isConnected) announce("ready"); });
    // In-page mode starts at once, on `view` (and `order`) when given.
    // A view it cannot open is the page's mistake, told to its console; the panel stays home.
    if (place) handle.open(options).catch(function (error) { if (widget) console.error(error); else showFallback(); });
    return handle;
  }

  // Calls made through the stub snippet before this script arrived, replayed in order.
  var queued = (window.Carebox && window.Carebox.q) || [];
  var api = { instances: [], current: null };
  /** Another widget on the page; the first becomes the one `Carebox.open()` and the rest drive. */
  api.init = function (options) {
    var created = init(options || {});
    api.instances.push(created);
    api.current = api.current || created;
    return created;
  };
  ["open", "close", "toggle", "isOpen", "identify", "setLocale", "update", "on", "destroy"].forEach(function (method) {
    api[method] = function () {
      if (!api.current) throw new Error("Carebox: call Carebox.init({ key }) first");
      return api.current[method].apply(null, arguments);
    };
  });
  window.Carebox = api;
  // The snippet's data-* attributes are init()'s options by the same names (data-shopper-token
  // is shopperToken); copied, as init() writes to its options.
  if (script.dataset.key) api.init(Object.assign({}, script.dataset));
  queued.forEach(function (call) { api[call[0]].apply(null, call[1]); });
})();
