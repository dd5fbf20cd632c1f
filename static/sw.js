// Scaleboard's service worker: the app keeps working with the network gone (a workshop's Wi-Fi).
// The page, its script, wasm and styles are cached when first seen; examples are compiled into
// the wasm, so they come along. Navigations and lessons (lessons/*.json, fetched by the app once
// it runs: src/lessons.rs; their names carry no hash) go to the network first (a new build shows
// up at once) and fall back to the cache; hashed assets are served from the cache.
// This is the one file of the app that is not Rust: a service worker must be a script.
const CACHE = 'scaleboard-v1';
// The engine's Web Worker (src/bin/engine_worker.rs, Trunk's worker output: fixed names).
const WORKER_FILES = ['./engine_worker_loader.js', './engine_worker.js', './engine_worker_bg.wasm'];

async function precache() {
  const cache = await caches.open(CACHE);
  const page = await fetch('./', { cache: 'no-cache' });
  if (!page.ok) return;
  const html = await page.clone().text();
  await cache.put('./', page);
  const assets = new Set();
  for (const m of html.matchAll(/(?:href|src)="([^"#?]+\.(?:js|wasm|css|svg))"/g)) assets.add(m[1]);
  // The engine's Web Worker is started from script, not named in the page.
  for (const f of WORKER_FILES) assets.add(f);
  await Promise.all([...assets].map(async (url) => {
    const res = await fetch(url);
    if (res.ok) await cache.put(url, res);
  }));
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

// The network first, the cache (under `key`) when it does not answer; a good answer is kept.
async function networkFirst(req, key) {
  const cache = await caches.open(CACHE);
  try {
    const res = await fetch(req);
    if (res.ok) await cache.put(key, res.clone());
    return res;
  } catch {
    return (await cache.match(key)) ?? Response.error();
  }
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  if (new URL(req.url).pathname.includes('/lessons/')) {
    event.respondWith(networkFirst(req, req));
    return;
  }
  if (req.mode === 'navigate') {
    // Every navigation is the one page (its address's fragment is not sent).
    event.respondWith(networkFirst(req, './'));
    return;
  }
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const hit = await cache.match(req);
    if (hit) return hit;
    const res = await fetch(req);
    if (res.ok) await cache.put(req, res.clone());
    return res;
  })());
});
