// Offline reading: registers the site's service worker, sw.js at the site root, which the
// build writes (generator/publish/offline.py; docs/architecture.md, "Offline"). Every page
// of a built site loads this file; `dvk serve`'s pages do not.
//
// The worker comes with a reader's second page on the site. Installing it fetches sw.js,
// the offline page and that page's script, 8.9 KB: a reader who opens one shared
// link does not pay for it, and a first visit stays under 120 KB (docs/performance.md).
// Until then this remembers the pages opened and the pictures they showed (on the phone
// only), and hands them to the worker, which keeps them from the browser's own copies: the
// first page opens offline too, pictures included.

// The site root, wherever the site is hosted (a sub-path included): this file is
// assets/javascripts/. The worker at the root, so that its scope is the whole site.
const ROOT = new URL("../../", import.meta.url);
const WORKER = new URL("sw.js", ROOT);
const SEEN = "dvk-trang-da-mo";
const SEEN_KEPT = 20;
const SHOWN = "dvk-anh-da-xem";
const SHOWN_KEPT = 40;

function remembered(key = SEEN) {
  try {
    const seen = JSON.parse(window.localStorage.getItem(key) || "[]");
    return Array.isArray(seen) ? seen.filter((url) => typeof url === "string") : [];
  } catch {
    return []; // storage off, or a value this script did not write
  }
}

function remember(seen, key = SEEN, most = SEEN_KEPT) {
  try {
    if (seen.length) window.localStorage.setItem(key, JSON.stringify(seen.slice(-most)));
    else window.localStorage.removeItem(key);
  } catch {
    // Storage off: the worker still comes with the next page, without the earlier ones.
  }
}

/** The site's pictures this page shows: the one file of each its screen chose. */
function shownPictures() {
  return [...document.images]
    .filter((img) => img.complete && img.naturalWidth > 0 && img.currentSrc.startsWith(ROOT.href))
    .map((img) => img.currentSrc);
}

/** Before the worker: the pictures a reader scrolled to (they load lazily) are remembered
 * as the page is left. */
function rememberPicturesOnLeaving() {
  window.addEventListener("pagehide", () => {
    const shown = new Set([...remembered(SHOWN), ...shownPictures()]);
    remember([...shown], SHOWN, SHOWN_KEPT);
  });
}

async function start() {
  const here = window.location.href.split("#")[0];
  const seen = remembered().filter((url) => url !== here);
  const installed = await navigator.serviceWorker.getRegistration(ROOT.href);
  if (!installed && !seen.length) {
    remember([here]); // the first page: no worker yet
    rememberPicturesOnLeaving();
    return;
  }
  try {
    // Registered on every page: the browser then checks sw.js for a new deploy's worker.
    await navigator.serviceWorker.register(WORKER.href, { scope: ROOT.href });
  } catch {
    // Refused (a private window, storage off) or no connection: the site works as it does
    // without a worker, and the next page tries again.
    return;
  }
  // This page, if no worker served it, and the pages before the worker came, with the
  // pictures they showed (those this page shows from now on reach the worker). The lists
  // are cleared only once handed over: a reader who leaves before the worker is ready
  // hands them over from the next page.
  const controlled = navigator.serviceWorker.controller;
  const keep = controlled ? seen : [...seen, here];
  const pictures = [...remembered(SHOWN), ...(controlled ? [] : shownPictures())];
  if (keep.length || pictures.length) {
    (await navigator.serviceWorker.ready).active.postMessage({ keep, pictures });
    remember([]);
    remember([], SHOWN);
  }
}

// Once the page has loaded: the worker's first fetches never compete with the page's own.
if ("serviceWorker" in navigator) {
  const run = () => { start().catch(() => {}); };
  if (document.readyState === "complete") run();
  else window.addEventListener("load", run, { once: true });
}
