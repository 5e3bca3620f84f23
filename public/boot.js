// Tells the user when the app cannot start (WebAssembly missing, a file failed to load, or the
// app crashed while starting) instead of leaving a blank "Loading" line. Runs before the app.
(function () {
  "use strict";
  var TIMEOUT_MS = 15000;
  // Theme: follows the system unless the user picked one in the footer; applied before the
  // first paint and remembered in this browser.
  var THEME_KEY = "aci-triage.theme";
  function applyTheme(theme) {
    if (theme === "light" || theme === "dark") {
      document.documentElement.setAttribute("data-theme", theme);
    } else {
      document.documentElement.removeAttribute("data-theme");
    }
  }
  var savedTheme = null;
  try { savedTheme = window.localStorage.getItem(THEME_KEY); } catch (e) { /* storage may be disabled */ }
  applyTheme(savedTheme);
  document.addEventListener("DOMContentLoaded", function () {
    var select = document.getElementById("theme-select");
    if (select) {
      select.value = savedTheme === "light" || savedTheme === "dark" ? savedTheme : "system";
      select.addEventListener("change", function () {
        applyTheme(select.value);
        try {
          if (select.value === "system") { window.localStorage.removeItem(THEME_KEY); } else { window.localStorage.setItem(THEME_KEY, select.value); }
        } catch (e) { /* storage may be disabled */ }
      });
    }
    // The single-file copy is already the offline download.
    var download = document.getElementById("offline-download");
    if (download && location.protocol === "file:") { download.hidden = true; }
  });
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
