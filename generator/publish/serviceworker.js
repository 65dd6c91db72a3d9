// The service worker of the "Dân vận khéo" showcase: what a phone keeps so that the site
// opens again without a connection (docs/architecture.md, "Offline").
//
// The build writes this file into the site as sw.js (generator/publish/offline.py), with
// SETTINGS filled in: every file of the shell with its SRI digest, the ones the offline
// page loads (fetched at install, with the page), and a version, a digest of all of it.
// A deploy that changes the shell changes these bytes, so the browser installs the new
// worker, which replaces the shell's cache and deletes the old one.
//
//   shell (CSS, JS, fonts)   cache first; fetched at install, or when first used
//   pages (navigations)      network first; the kept copy when offline, or after SLOW_MS
//   search index parts       network first; the kept copy when offline
//   pictures (the site's)    network first; the kept copy when offline
//   anything else            not handled: another origin, not a GET, the editor

const SETTINGS = __DVK_SETTINGS__;

// The site root, wherever the site is hosted (a sub-path included): the worker's scope.
const SCOPE = self.registration.scope;
// Each cache's name ends with the scope: two sites on one origin (a project's site and its
// preview under a sub-path) keep, replace and delete only their own.
const OWN = ` ${SCOPE}`;
const SHELL = `dvk-shell-${SETTINGS.version}${OWN}`;
// The reader's pages and the index parts outlive a deploy, so that a phone offline keeps
// them: each is fetched, and replaced, whenever it is opened online.
const PAGES = `${SETTINGS.pages}${OWN}`;
const INDEX = `dvk-index-1${OWN}`;
const PICTURES = `dvk-pictures-1${OWN}`;
// The pages opened before the worker came that a page may hand over (dvk-offline.js keeps
// as many).
const HANDED_OVER = 20;
// Oldest first out: a page is about 40 KB, an index part a few, a picture the width a
// phone's screen asked for, 20-80 KB.
const PAGES_KEPT = 200;
const PARTS_KEPT = 2000;
const PICTURES_KEPT = 100;
// A page the phone keeps is shown after this rather than waiting on a connection that
// answers slowly or not at all; the network's answer still replaces the kept copy.
const SLOW_MS = 4000;

if (SETTINGS.retire) retire();
else serve();

function serve() {
  const files = new Map(Object.entries(SETTINGS.files || {})
    .map(([path, digest]) => [new URL(path, SCOPE).href, digest]));
  const offlinePage = new URL(SETTINGS.offline, SCOPE).href;
  const index = new URL(SETTINGS.index, SCOPE).href;
  const manifest = new URL("manifest.json", index).href;
  const skipped = SETTINGS.skip.map((path) => new URL(path, SCOPE).href);

  self.addEventListener("install", (event) => {
    event.waitUntil((async () => {
      const cache = await caches.open(SHELL);
      const precache = SETTINGS.precache.map((path) => new URL(path, SCOPE).href);
      await Promise.all(precache.map(async (url) => {
        await cache.put(url, await shellFetch(url));
      }));
      // The rest of the shell that the browser holds already, this version's bytes (the
      // citation script and italic face of an entry read before the worker came): kept
      // now, no byte fetched, so that the pages handed over open offline whole. The
      // others are kept when a page first asks for them.
      await Promise.all([...files.keys()].filter((url) => !precache.includes(url))
        .map(async (url) => {
          try {
            const response = await fetch(url, {
              cache: "only-if-cached", mode: "same-origin", integrity: files.get(url) });
            if (response.ok) await cache.put(url, response);
          } catch {
            // Not in the browser's cache, or another version's bytes.
          }
        }));
      // Pages are whole documents, never a mix of two versions' scripts in one view for
      // long: the new shell serves from the next page on.
      await self.skipWaiting();
    })());
  });

  self.addEventListener("activate", (event) => {
    event.waitUntil((async () => {
      const current = new Set([SHELL, PAGES, INDEX, PICTURES]);
      await deleteOwnCaches((name) => !current.has(name));
      // Not awaited here: the pages open now are kept when they hand themselves over
      // (the message below), so that no fetch of theirs waits on an activation.
      await self.clients.claim();
    })());
  });

  self.addEventListener("fetch", (event) => {
    const { request } = event;
    // Only this site's GETs: nothing from another origin, nor any form sent, is answered or kept.
    if (request.method !== "GET" || !request.url.startsWith(SCOPE)) return;
    if (skipped.some((folder) => request.url.startsWith(folder))) return;
    if (request.mode === "navigate") {
      openPage(event);
      return;
    }
    const url = withoutQuery(request.url);
    if (files.has(url)) event.respondWith(fromShell(url));
    else if (url.startsWith(index)) event.respondWith(indexPart(event, url));
    else if (request.destination === "image") event.respondWith(picture(event, url));
  });

  /**
   * A file of the shell as this version has it: the browser's own copy when its bytes are
   * this version's (the page that installs the worker has just loaded most of them: no
   * byte fetched twice), else the server's, whole: the browser's copy is missing or older,
   * so a "not modified" would not do. Taken even if a host rewrote its bytes.
   */
  async function shellFetch(url) {
    let response;
    try {
      response = await fetch(url, { cache: "force-cache", integrity: files.get(url) });
    } catch {
      response = await fetch(url, { cache: "reload" });
    }
    if (!response.ok) throw new Error(`dvk: ${response.status} for ${url}`);
    return response;
  }

  async function fromShell(url) {
    const cache = await caches.open(SHELL);
    const kept = await cache.match(url);
    if (kept) return kept;
    const response = await shellFetch(url);
    await cache.put(url, response.clone());
    return response;
  }

  /** A navigation: the network's page, kept for later; the kept one when there is none. */
  function openPage(event) {
    const url = withoutQuery(event.request.url);
    let keeping = Promise.resolve();
    const network = fetch(event.request).then((response) => {
      if (keepsPage(url, response)) keeping = keepPage(url, response.clone());
      // A page a deploy removed is no longer offered offline, nor listed as kept.
      else if (response.status === 404 || response.status === 410) keeping = forget(url);
      return response;
    });
    // Alive until the copy is kept, even when the kept one answered first (a slow network).
    event.waitUntil(network.then(() => keeping, () => undefined).catch(() => undefined));
    event.respondWith(pageAnswer(network, url, event.request.url));
  }

  async function pageAnswer(network, url, asked) {
    const kept = caches.match(url).catch(() => undefined);
    try {
      return await Promise.race([network, keptWhenSlow(network, kept)]);
    } catch {
      return (await kept) || notKept(url, asked);
    }
  }

  async function keptWhenSlow(network, kept) {
    await new Promise((resolve) => { setTimeout(resolve, SLOW_MS); });
    return (await kept) || network;
  }

  /**
   * Offline, a page the phone does not have: the offline page, at its own address (its
   * links are relative to it), told which page was asked for.
   */
  function notKept(url, asked) {
    if (url === offlinePage) {
      return new Response("Bạn đang ngoại tuyến.", {
        status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    }
    const page = new URL(offlinePage);
    page.searchParams.set("trang", asked.slice(SCOPE.length));
    return Response.redirect(page.href, 302);
  }

  async function forget(url) {
    await (await caches.open(PAGES)).delete(url);
  }

  function keepsPage(url, response) {
    return url !== offlinePage && response.ok && response.type === "basic"
      && /^text\/html\b/.test(response.headers.get("Content-Type") || "");
  }

  async function keepPage(url, response) {
    const html = await response.text();
    const headers = new Headers(response.headers);
    // The body is kept decoded: these described the bytes on the wire.
    headers.delete("Content-Encoding");
    headers.delete("Content-Length");
    headers.set(SETTINGS.title, encodeURIComponent(pageTitle(html)));
    const cache = await caches.open(PAGES);
    await cache.put(url, new Response(html, {
      status: response.status, statusText: response.statusText, headers }));
    await trim(cache, PAGES_KEPT);
  }

  /** The page's title as its head writes it (og:title: without the site's name), escaped. */
  function pageTitle(html) {
    const found = /<meta property="og:title" content="([^"]*)"/.exec(html)
      || /<title>([^<]*)<\/title>/.exec(html);
    return found ? found[1] : "";
  }

  // The pages a reader opened before the worker came, and the pictures they showed
  // (theme/assets/javascripts/dvk-offline.js remembers them until the second page
  // registers it).
  self.addEventListener("message", (event) => {
    const data = event.data || {};
    const addresses = (list, most) => (Array.isArray(list) ? list : [])
      .filter((url) => typeof url === "string").slice(-most);
    event.waitUntil(Promise.all([
      keepOpenPages(addresses(data.keep, HANDED_OVER)),
      keepPictures(addresses(data.pictures, PICTURES_KEPT)),
    ]));
  });

  /** The pages open when the worker takes over, and ``earlier`` ones (their addresses),
   * loaded before it could keep them. */
  async function keepOpenPages(earlier = []) {
    const open = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const cache = await caches.open(PAGES);
    const addresses = new Set([...open.map((client) => client.url), ...earlier]);
    await Promise.all([...addresses].map(async (address) => {
      const url = withoutQuery(address);
      if (!url.startsWith(SCOPE) || skipped.some((folder) => url.startsWith(folder))
          || await cache.match(url)) return;
      try {
        // The browser's copy of what the page has just loaded (its query included, which
        // the key leaves out): no byte fetched twice.
        const response = await fetch(address, { cache: "force-cache" });
        if (keepsPage(url, response)) await keepPage(url, response);
      } catch {
        // Offline already: the page is kept the next time it is opened.
      }
    }));
  }

  /**
   * The network's answer, or, when there is no network, the copy kept in ``cacheName``;
   * with none kept, the request fails as it would without a worker (the search says it
   * is offline, a picture shows its text). ``keep`` is handed the network's answer.
   */
  async function networkFirst(event, url, cacheName, keep) {
    let response;
    try {
      response = await fetch(event.request);
    } catch (error) {
      const kept = await caches.match(url, { cacheName });
      if (kept) return kept;
      throw error;
    }
    await keep(response);
    return response;
  }

  /** A picture of the site, kept for a page read offline later. */
  function picture(event, url) {
    return networkFirst(event, url, PICTURES, (response) => {
      if (keepsPicture(response)) event.waitUntil(keepPicture(url, response.clone()));
    });
  }

  function keepsPicture(response) {
    return response.ok && response.type === "basic"
      && /^image\//.test(response.headers.get("Content-Type") || "");
  }

  async function keepPicture(url, response) {
    const cache = await caches.open(PICTURES);
    await cache.delete(url); // kept again: the newest, the last to go
    await cache.put(url, response);
    await trim(cache, PICTURES_KEPT);
  }

  /** Pictures shown before the worker came: the browser's copies, no byte fetched twice. */
  async function keepPictures(addresses) {
    const cache = await caches.open(PICTURES);
    await Promise.all(addresses.map(async (address) => {
      const url = withoutQuery(address);
      if (!url.startsWith(SCOPE) || files.has(url) || await cache.match(url)) return;
      try {
        const response = await fetch(url, { cache: "force-cache" });
        if (keepsPicture(response)) await cache.put(url, response);
      } catch {
        // Offline already, or gone: the picture is kept the next time it is shown.
      }
    }));
    await trim(cache, PICTURES_KEPT);
  }

  function indexPart(event, url) {
    return networkFirst(event, url, INDEX, async (response) => {
      if (!response.ok) return;
      const keeping = keepPart(await caches.open(INDEX), url, response.clone());
      // A new manifest clears the parts of the index before it first, before any part of
      // the new index is fetched and kept.
      if (url === manifest) await keeping;
      else event.waitUntil(keeping);
    });
  }

  async function keepPart(cache, url, response) {
    if (url === manifest) {
      const before = await cache.match(url);
      const now = await response.clone().text();
      // Another index (a deploy): the parts kept belong to the one before.
      if (before && (await before.text()) !== now) {
        await Promise.all((await cache.keys()).map((request) => cache.delete(request)));
      }
      await cache.put(url, response);
      await trim(cache, PARTS_KEPT);
      return;
    }
    await cache.put(url, response);
  }
}

/** `dvk serve`: no worker. This one removes itself and whatever a worker of the site kept. */
function retire() {
  self.addEventListener("install", () => self.skipWaiting());
  self.addEventListener("activate", (event) => {
    event.waitUntil((async () => {
      await deleteOwnCaches(() => true);
      await self.registration.unregister();
    })());
  });
}

/** This site's caches (their names end with the scope) that `doomed` names. */
async function deleteOwnCaches(doomed) {
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name.startsWith("dvk-") && name.endsWith(OWN)
    && doomed(name)).map((name) => caches.delete(name)));
}

function withoutQuery(address) {
  const url = new URL(address);
  url.search = "";
  url.hash = "";
  return url.href;
}

async function trim(cache, most) {
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - most))
    .map((request) => cache.delete(request)));
}
