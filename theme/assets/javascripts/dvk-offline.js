// Offline reading: registers the site's service worker, sw.js at the site root, which the
// build writes (generator/publish/offline.py; docs/architecture.md, "Offline"). Every page
// of a built site loads this file; `dvk serve`'s pages do not.

// The site root, wherever the site is hosted (a sub-path included): this file is
// assets/javascripts/. The worker at the root, so that its scope is the whole site.
const ROOT = new URL("../../", import.meta.url);
const WORKER = new URL("sw.js", ROOT);

function register() {
  navigator.serviceWorker.register(WORKER.href, { scope: ROOT.href }).catch(() => {
    // Refused (a private window, storage off) or no connection yet: the site works as it
    // does without a worker, and the next page tries again.
  });
}

// Once the page has loaded: the worker's first fetches never compete with the page's own.
if ("serviceWorker" in navigator) {
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register, { once: true });
}
