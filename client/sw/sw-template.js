/* global self, caches, fetch, URL, Response */
/**
 * Digital Fair service worker. The build fills in VERSION and PRECACHE (the app shell: the
 * HTML and the text-mode code). Strategy:
 * - hashed assets: cache first (their names change with their content);
 * - page loads: the cached shell at once, refreshed in the background, so a second visit
 *   needs no network for code and still starts offline;
 * - API and Socket.IO: never touched.
 * A new deploy installs beside the old one and serves the shell of the next visit (a reload
 * included); the previous version's cache is kept, so a running session can still load the
 * code it started with.
 */
const VERSION = '__VERSION__';
const PRECACHE = /* filled in by the build */ [];
const SHELL = '/index.html';
const CACHE = `fair-shell-${VERSION}`;
const RUNTIME = 'fair-assets';

/** Versions sort by their build time prefix; keep this one and the one before it. */
const KEEP_SHELL_VERSIONS = 2;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([SHELL, ...PRECACHE]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys().then((keys) => {
      const shells = keys.filter((key) => key.startsWith('fair-shell-')).sort();
      return Promise.all(shells.slice(0, -KEEP_SHELL_VERSIONS).map((key) => caches.delete(key)));
    }).then(() => self.clients.claim()),
  );
});

async function shell(request) {
  const cached = await caches.open(CACHE).then((cache) => cache.match(SHELL));
  if (cached) return cached;
  try {
    return await fetch(request);
  } catch {
    return new Response('Offline', { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }
}

async function asset(request) {
  const hit = await caches.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  // Lazily loaded chunks (the video code) are kept once fetched, never downloaded in advance.
  if (response.ok) void caches.open(RUNTIME).then((cache) => cache.put(request, response.clone()));
  return response;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/socket.io/')) return;
  if (request.mode === 'navigate') event.respondWith(shell(request));
  else if (url.pathname.startsWith('/assets/')) event.respondWith(asset(request));
});
