/*! Carebox loader. Draws the launcher; loads the widget app only when the shopper shows intent. */
(function () {
  "use strict";
  // `cargo xtask dist` replaces these with the content-hashed app file names.
  var APP = { js: "__CAREBOX_APP_JS__", wasm: "__CAREBOX_APP_WASM__", css: "__CAREBOX_APP_CSS__" };
  var LABELS = {
    en: ["Open help", "Close help"],
    ru: ["Открыть помощь", "Закрыть помощь"],
    ar: ["فتح المساعدة", "إغلاق المساعدة"]
  };
  // Inner-context !important rules win over the page's, even over its `* {… !important}` and
  // rules that match the host by tag or state (`carebox-widget`, `:empty`, `:not(:defined)`).
  // `all` resets every inherited property but direction, which is set alone. Physical sides:
  // the widget's own direction, not the page's, mirrors it.
  var STYLE =
    ":host{all:initial!important;display:block!important;position:fixed!important;direction:ltr!important;" +
    "z-index:var(--carebox-z-index,2147483000)!important;inset:auto!important;overflow:visible!important;" +
    "bottom:var(--carebox-offset-y,20px)!important;right:var(--carebox-offset-x,20px)!important}" +
    ":host([data-side=left]){right:auto!important;left:var(--carebox-offset-x,20px)!important}" +
    ".launcher{all:initial;display:grid;place-items:center;width:56px;height:56px;border-radius:50%;cursor:pointer;" +
    "background:var(--carebox-accent,var(--carebox-theme-accent,#4f46e5));color:#fff;" +
    "box-shadow:0 6px 20px rgb(15 20 40/.28);transition:transform .15s}" +
    ".launcher:hover{transform:scale(1.06)}" +
    ".launcher:focus-visible{outline:3px solid var(--carebox-accent,var(--carebox-theme-accent,#4f46e5));outline-offset:3px}" +
    ".launcher[aria-busy=true]{cursor:progress;opacity:.8}" +
    "@media(prefers-reduced-motion:reduce){.launcher{transition:none}}";
  var ICON =
    '<svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true" focusable="false">' +
    '<path d="M4 5h16v11H9l-5 4z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/></svg>';

  var script = document.currentScript;
  var scriptUrl = new URL(script ? script.src : location.href, location.href);
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

  // A tag of our own, so no page rule written for `div` reaches the host.
  if (!customElements.get("carebox-widget")) customElements.define("carebox-widget", class extends HTMLElement {});

  /** Creates one widget instance; several can live on a page. */
  function init(options) {
    var config = {
      key: options.key,
      api: options.api || scriptUrl.origin,
      locale: options.locale,
      pageLang: document.documentElement.lang || undefined,
      shopperToken: options.shopperToken
    };
    var language = languageOf(options);
    var labels = LABELS[language];
    var host = document.createElement("carebox-widget");
    host.setAttribute("data-carebox", "");
    // Right by default, mirrored for a right-to-left language.
    host.setAttribute("data-side", (options.position === "left") === (language !== "ar") ? "left" : "right");
    var root = host.attachShadow({ mode: "open" });
    root.adoptedStyleSheets = [sheet(STYLE)];
    root.innerHTML =
      '<button class="launcher" part="launcher" type="button" ' +
      'aria-haspopup="dialog" aria-expanded="false">' + ICON + '</button><div class="app"></div>';
    var launcher = root.querySelector(".launcher");
    var container = root.querySelector(".app");
    launcher.setAttribute("aria-label", labels[0]);
    (options.target || document.body).appendChild(host);
    // The top layer: above every stacking context, and out of reach of a page's transform,
    // filter or overflow on an ancestor (which would turn `position: fixed` into a trap).
    host.setAttribute("popover", "manual");
    if (host.showPopover) host.showPopover();

    var loading = null;
    function load() {
      if (!loading) {
        launcher.setAttribute("aria-busy", "true");
        // Fetched and adopted, not linked: a page whose CSP allows no stylesheets still shows it.
        var css = fetch(base + APP.css)
          .then(function (response) { return response.text(); })
          .then(function (text) { root.adoptedStyleSheets = root.adoptedStyleSheets.concat(sheet(text)); });
        // The wasm download starts now, alongside the JS glue and CSS, not after them.
        var wasm = fetch(base + APP.wasm);
        loading = Promise.all([import(base + APP.js), css])
          .then(function (loaded) {
            var app = loaded[0];
            return app.default({ module_or_path: wasm }).then(function () {
              return app.mount(container, config);
            });
          })
          .finally(function () {
            launcher.removeAttribute("aria-busy");
          });
        loading.catch(function (error) {
          loading = null; // let the next intent try again
          console.error("Carebox could not start:", error);
        });
      }
      return loading;
    }

    host.addEventListener("carebox:open", function () {
      launcher.setAttribute("aria-expanded", "true");
      launcher.setAttribute("aria-label", labels[1]);
    });
    host.addEventListener("carebox:close", function () {
      launcher.setAttribute("aria-expanded", "false");
      launcher.setAttribute("aria-label", labels[0]);
      // Focus goes back to the launcher when it was inside the widget (or lost to <body>).
      if (root.activeElement || document.activeElement === document.body) launcher.focus();
    });
    ["pointerenter", "focus", "touchstart"].forEach(function (intent) {
      launcher.addEventListener(intent, load, { once: true, passive: true });
    });
    launcher.addEventListener("click", function () {
      load().then(function (widget) { widget.toggle(); });
    });

    return {
      open: function () { return load().then(function (widget) { widget.open(); }); },
      close: function () { if (loading) loading.then(function (widget) { widget.close(); }); },
      /** Names the shopper with a token your backend signed; nothing loads until intent. */
      identify: function (token) {
        config.shopperToken = token || undefined;
        if (loading) loading.then(function (widget) { widget.identify(token || undefined); });
      },
      /** Calls fn(detail) on each `name` event (open, close, complaint-submitted, …); returns an unsubscribe. */
      on: function (name, fn) {
        function listener(event) { fn(event.detail); }
        host.addEventListener("carebox:" + name, listener);
        return function () { host.removeEventListener("carebox:" + name, listener); };
      },
      host: host
    };
  }

  var api = window.Carebox || (window.Carebox = { init: init, instances: [] });
  if (script && script.dataset.key) {
    var d = script.dataset;
    var instance = init({ key: d.key, api: d.api, locale: d.locale, shopperToken: d.shopperToken });
    api.instances.push(instance);
    /** The snippet's widget: open it (loading it if needed), close it, name the shopper. */
    api.open = instance.open;
    api.close = instance.close;
    api.identify = instance.identify;
    api.on = instance.on;
  }
})();
