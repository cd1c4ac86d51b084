/* Sila — the branch representatives' service worker.
 * Keeps the visit page and what it loads, so that a representative without a connection
 * can still open it and type a visit (the page queues it on the phone and sends it when the
 * connection returns). Pages are fetched from the network first; the copy is used only
 * when the network fails. Form posts are never touched. */
"use strict";

const CACHE = "sila-branch-visits-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

function worthKeeping(request, response) {
  if (!response || !response.ok || response.type !== "basic") return false;
  if (request.mode === "navigate") return true;
  const path = new URL(request.url).pathname;
  return /\.(js|css|woff2?|svg|png)$/.test(path);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (worthKeeping(request, response)) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
        }
        return response;
      })
      .catch(() =>
        caches.match(request, { ignoreSearch: request.mode === "navigate" })
          .then((kept) => kept || Response.error()))
  );
});
