// Tells the user when the app cannot start (WebAssembly missing, a file failed to load, or the
// app crashed while starting) instead of leaving a blank "Loading" line. Runs before the app.
(function () {
  "use strict";
  var TIMEOUT_MS = 15000;
  // Apply the saved theme before the first paint (the app's switch keeps it up to date).
  try {
    var theme = window.localStorage.getItem("aci-triage.theme");
    if (theme === "light" || theme === "dark") { document.documentElement.setAttribute("data-theme", theme); }
  } catch (e) { /* storage may be disabled */ }
  function ready() { return document.body && document.body.classList.contains("app-ready"); }
  function fail(reason) {
    if (ready()) { return; }
    var el = document.getElementById("boot-status");
    if (!el) { return; }
    el.className = "boot-error";
    el.textContent = "The decoder could not start: " + reason +
      ". Reload the page. If this keeps happening, your browser or network may be blocking WebAssembly or this site's files.";
  }
  if (typeof WebAssembly !== "object") {
    document.addEventListener("DOMContentLoaded", function () { fail("this browser does not support WebAssembly"); });
    return;
  }
  window.addEventListener("error", function (e) {
    var target = e.target;
    if (target && target !== window && (target.src || target.href)) {
      fail("a file did not load (" + (target.src || target.href) + ")");
    } else if (e.message) {
      fail(e.message);
    }
  }, true);
  window.addEventListener("unhandledrejection", function (e) {
    var r = e.reason;
    fail(r && r.message ? r.message : String(r));
  });
  window.setTimeout(function () { fail("it took too long to load"); }, TIMEOUT_MS);

  // Offline support: a service worker precaches this build (not when opened from a file).
  if ("serviceWorker" in navigator && /^https?:$/.test(location.protocol)) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("sw.js").catch(function () { /* offline use is optional */ });
    });
  }
})();
