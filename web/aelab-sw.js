// The lab's service worker (registered by aelab-page.js over http(s) only): it keeps the app, the
// shipped model and every data file the lab has fetched, so a second visit loads, draws and
// trains with no network. One cache per build: build.sh writes the build's id and its app files
// below, a new build installs a new worker, which fills its own cache and drops the old ones.
// Requests are answered from the cache first; what is not there yet comes from the network and
// is kept (data files, a lesson's model file). Other origins' requests are left alone.
'use strict';
const BUILD = '__AELAB_BUILD__';
const APP_FILES = __AELAB_APP_FILES__;
const CACHE = `aelab-${BUILD}`;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // one by one, so one file that fails (aelab-mt.worker.js where the build has none) does not
    // keep the others out
    await Promise.all(APP_FILES.map((name) => cache.add(name).catch(() => undefined)));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name.startsWith('aelab-') && name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

// Each address once: the page's own address with any query (?embed=1) or hash is index.html.
function key(request) {
  const url = new URL(request.url);
  url.hash = '';
  if (request.mode === 'navigate') url.search = '';
  if (url.pathname.endsWith('/')) url.pathname += 'index.html';
  return url.href;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const cached = await cache.match(key(request), { ignoreVary: true }); // (Vary: Accept-Encoding)
    if (cached) return cached;
    const response = await fetch(request);
    // whole answers only (not a range's part); opaque or failed ones are not kept
    if (response.ok && response.status === 200 && response.type === 'basic')
      await cache.put(key(request), response.clone()).catch(() => undefined);
    return response;
  })());
});

// The page's messages: {type: 'aelab:keep', files: [addresses]} keeps files it fetched before
// this worker took it over (the app's build, the model, the test set), answered with
// {type: 'aelab:kept', files: [addresses kept], failed: [addresses]}.
self.addEventListener('message', (event) => {
  const m = event.data;
  if (!m || m.type !== 'aelab:keep' || !Array.isArray(m.files)) return;
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE), kept = [], failed = [];
    for (const file of m.files) {
      const url = new URL(file, self.registration.scope).href;
      if (new URL(url).origin !== self.location.origin) continue;
      try {
        if (!(await cache.match(url, { ignoreVary: true }))) await cache.add(url);
        kept.push(file);
      } catch (e) {
        failed.push(file);
      }
    }
    event.source.postMessage({ type: 'aelab:kept', files: kept, failed });
  })());
});
