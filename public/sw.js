// Service worker: precaches exactly one build (the list and version are written in by
// tools/postbuild.py), so after one visit the app loads and decodes with the network off.
// Pages come from this build's cache at once, online and offline; the worker then asks the server
// for the page and, when it names another build, the open page has the browser look for the new
// sw.js (public/update.js). The new worker precaches its own build, takes over and deletes the old
// cache, and the page offers a reload. Assets are cache-first. Each build has its own cache, so a
// page never mixes old html with new wasm.
"use strict";
// The build id: also written into index.html as <meta name="aci-triage-build">.
const VERSION = "__VERSION__";
const ASSETS = __ASSETS__;
const CACHE = "aci-triage-" + VERSION;
const BUILD_META = /<meta name="?aci-triage-build"? content="?([^"\s>]+)/;

// A file whose name carries its content hash (trunk's filehash, and the data files: the wizard's
// graph network-<hash>.json and the catalog catalog-<hash>.txt) is right wherever it comes from,
// so it may come from the HTTP cache: the page has just downloaded it, and a first visit should
// not download the wasm twice. Every other file is fetched fresh from the server. The data files
// are precached like the rest: the explanations and the wizard work offline too.
const HASHED = /-[0-9a-f]{8,16}(_bg)?\.(js|wasm|css|svg|json|txt)$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(ASSETS.map((a) => new Request(a, { cache: HASHED.test(a) ? "default" : "reload" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("aci-triage-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

// Does the server's page name another build than this worker's? One request per page load: the
// navigation starts it, and the page's question (below) shares it while it is recent.
let check = null;
function otherBuildOnServer(fresh) {
  if (fresh || !check || Date.now() - check.at > 60_000) {
    // `no-cache`: revalidate with the server even where it lets pages be cached for a while
    // (GitHub Pages: 10 minutes).
    const result = fetch(new Request(self.registration.scope, { cache: "no-cache" }))
      .then((r) => (r.ok ? r.text() : ""))
      .then((page) => {
        const m = BUILD_META.exec(page);
        return !!m && m[1] !== VERSION;
      })
      .catch(() => false);
    check = { at: Date.now(), result };
  }
  return check.result;
}

// public/update.js asks which build this worker is (the page compares it with its own), and,
// once the page has loaded (so that every file it needs came from this build's cache), whether the
// server names another build. The answer goes back on the port the page sent.
self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  const port = event.ports[0];
  if (!port) {
    return;
  }
  if (type === "aci-triage:build") {
    port.postMessage({ build: VERSION });
  } else if (type === "aci-triage:check") {
    event.waitUntil(otherBuildOnServer(false).then((other) => port.postMessage({ otherBuild: other })));
  }
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET" || new URL(req.url).origin !== self.location.origin) {
    return;
  }
  if (req.mode === "navigate") {
    // The page (or another file of this build, such as the single-file download) from this
    // build's cache, then a look at the server's page in the background. Anything else: the
    // network, and this build's page when the network fails.
    const hit = caches.open(CACHE).then((c) => c.match(req, { ignoreSearch: true, ignoreVary: true }));
    event.respondWith(hit.then((r) => r || fetch(req, { cache: "no-cache" }).catch(() => caches.open(CACHE)
      .then((c) => c.match("./", { ignoreVary: true }))
      .then((page) => page || Response.error()))));
    event.waitUntil(hit.then((r) => r && otherBuildOnServer(true)).catch(() => {}));
    return;
  }
  event.respondWith(
    caches.open(CACHE).then((c) => c.match(req, { ignoreSearch: true })).then((hit) => hit || fetch(req))
  );
});
