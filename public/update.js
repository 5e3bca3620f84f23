// Tells the user when a new deployment has taken over. The service worker serves this build's page
// from its cache at once and checks the server's page in the background; once this page has
// loaded it asks the worker for the result and, when the server names another build, has the
// browser look for the new sw.js (the browser also looks by itself after each navigation). The new
// worker precaches its build and takes over; this page, still the old build, then says so and
// offers a reload. Nothing here runs from file:// (no service worker there).
(function () {
  "use strict";
  var sw = navigator.serviceWorker;
  var meta = document.querySelector('meta[name="aci-triage-build"]');
  if (!sw || !meta || !/^https?:$/.test(location.protocol)) { return; }
  var build = meta.getAttribute("content");
  // The live region exists (empty, fixed, taking no room) before anything is announced in it.
  var region = document.createElement("div");
  region.className = "update-notice";
  region.setAttribute("role", "status");
  document.body.insertBefore(region, document.body.firstChild);

  function ask(type, then) {
    var worker = sw.controller;
    if (!worker) { return; }
    var channel = new MessageChannel();
    channel.port1.onmessage = function (e) { then(e.data || {}); };
    worker.postMessage({ type: type }, [channel.port2]);
  }

  function show() {
    if (region.firstChild) { return; }
    var text = document.createElement("span");
    text.textContent = "A new version of aci-triage is available.";
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = "Reload";
    button.addEventListener("click", function () {
      button.disabled = true;
      // The app saves the paste 150 ms after the last keystroke; give it time before reloading.
      window.setTimeout(function () { location.reload(); }, 300);
    });
    region.appendChild(text);
    region.appendChild(document.createTextNode(" "));
    region.appendChild(button);
  }

  // A worker of another build controls this page: the first visit's worker taking over is this
  // build, a new deployment's is not. Asked now too, in case it took over before this script ran.
  function compare() {
    ask("aci-triage:build", function (d) { if (d.build && d.build !== build) { show(); } });
  }
  compare();
  sw.addEventListener("controllerchange", compare);

  // A new build whose worker fails to install (one of its files did not download, or sw.js itself
  // did not) is looked for again a little later, a few times, instead of only at the next
  // navigation: otherwise an open page could wait for hours to hear of it.
  var tries = 0;
  function update(r) {
    if (!r) { return; }
    r.update().catch(retry);
  }
  function retry() {
    if (tries >= 3) { return; }
    tries += 1;
    window.setTimeout(function () { sw.getRegistration().then(update).catch(function () { /* next navigation */ }); }, 4000 * tries);
  }
  sw.getRegistration().then(function (r) {
    if (!r) { return; }
    r.addEventListener("updatefound", function () {
      var w = r.installing;
      if (!w) { return; }
      var installed = false;
      w.addEventListener("statechange", function () {
        if (w.state === "installed" || w.state === "activating" || w.state === "activated") { installed = true; }
        // Redundant before it ever installed, and no newer worker on the way: its install failed.
        if (w.state === "redundant" && !installed && !r.installing && !r.waiting) { retry(); }
      });
    });
  }).catch(function () { /* no registration yet: the first visit */ });

  window.addEventListener("load", function () {
    ask("aci-triage:check", function (d) {
      if (d.otherBuild) {
        sw.getRegistration().then(update).catch(retry);
      }
    });
  });
})();
