// Service worker: precaches exactly one build (the list and version are written in by
// tools/postbuild.py), so after one visit the app loads and decodes with the network off.
// Pages are network-first (a new deployment is picked up at once, with its own hashed assets);
// assets are cache-first. Each build has its own cache, and old ones are deleted when a new build
// takes over, so a page never mixes old html with new wasm.
"use strict";
const VERSION = "__VERSION__";
const ASSETS = __ASSETS__;
const CACHE = "aci-triage-" + VERSION;

// A file whose name carries its content hash (trunk's filehash) is right wherever it comes from,
// so it may come from the HTTP cache: the page has just downloaded it, and a first visit should
// not download the wasm twice. Every other file is fetched fresh from the server.
const HASHED = /-[0-9a-f]{16}(_bg)?\.(js|wasm|css|svg)$/;

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

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET" || new URL(req.url).origin !== self.location.origin) {
    return;
  }
  if (req.mode === "navigate") {
    // The page: the network when it answers, else this build's copy (of that file if it is one
    // of the build's, such as the single-file download; else of the page).
    // `no-cache`: revalidate with the server even where it lets pages be cached for a while
    // (GitHub Pages: 10 minutes), so a new deployment shows on the next load.
    event.respondWith(
      fetch(req, { cache: "no-cache" }).catch(() => caches.open(CACHE)
        .then((c) => c.match(req, { ignoreSearch: true }).then((r) => r || c.match("./")))
        .then((r) => r || Response.error()))
    );
    return;
  }
  event.respondWith(
    caches.open(CACHE).then((c) => c.match(req, { ignoreSearch: true })).then((hit) => hit || fetch(req))
  );
});
