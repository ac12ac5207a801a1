// The demo shop's own script (external, so the page works under a strict CSP too).
(function () {
  "use strict";
  var params = new URLSearchParams(location.search);
  // ?lang=ru or ?lang=ar switches the page language the widget follows.
  var lang = params.get("lang");
  if (lang) {
    document.documentElement.lang = lang;
    document.documentElement.dir = lang === "ar" ? "rtl" : "ltr";
  }
  // ?hostile adds a stylesheet written against the widget: it must change nothing in it.
  if (params.has("hostile")) {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = "/www/hostile.css";
    document.head.appendChild(link);
  }
  // What a shop does once its customer signs in: its backend signs a shopper token (the demo
  // shop's server plays that part) and the page hands it to Carebox.
  document.addEventListener("DOMContentLoaded", function () {
    var signIn = document.getElementById("demo-sign-in");
    if (!signIn) return;
    signIn.addEventListener("click", function () {
      fetch("/demo/shopper-token")
        .then(function (response) { return response.json(); })
        .then(function (body) {
          window.Carebox.identify(body.token);
          signIn.textContent = "Signed in as Anna";
          signIn.disabled = true;
        });
    });
  });
})();
