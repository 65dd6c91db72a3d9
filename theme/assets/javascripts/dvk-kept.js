// The offline page (/ngoai-tuyen/): the models this phone has kept, read from the
// service worker's cache of pages (generator/publish/serviceworker.js keeps each page with
// its title), and a link back to the page the reader asked for.

// The site root: this file is assets/javascripts/.
const ROOT = new URL("../../", import.meta.url);

/** A title as the page's head wrote it (HTML-escaped), as text. Parsing runs no script. */
function asText(escaped) {
  return new DOMParser().parseFromString(escaped, "text/html").body.textContent.trim();
}

function decoded(header) {
  try {
    return decodeURIComponent(header || "");
  } catch {
    return "";
  }
}

/** The entry pages (mo-hinh/<id>/) in the cache named by the list, by title. */
async function keptModels(list) {
  const { titleHeader, entries } = list.dataset;
  // The worker's cache of pages for this site: its name ends with the site's root, the
  // worker's scope (generator/publish/serviceworker.js).
  const name = `${list.dataset.cache} ${ROOT.href}`;
  const folder = new URL(entries, ROOT).href;
  const found = [];
  // caches.open would make the cache if it were missing: has() first.
  if (!("caches" in window) || !(await caches.has(name))) return found;
  const cache = await caches.open(name);
  for (const request of await cache.keys()) {
    if (!request.url.startsWith(folder) || !/^[^/?#]+\/$/.test(request.url.slice(folder.length))) {
      continue;
    }
    const page = await cache.match(request);
    const title = asText(decoded(page?.headers.get(titleHeader)));
    if (title) found.push({ url: request.url, title });
  }
  return found.sort((a, b) => a.title.localeCompare(b.title, "vi"));
}

async function showKept(list) {
  const status = document.querySelector("[data-dvk-kept-status]");
  let models = [];
  try {
    models = await keptModels(list);
  } catch {
    // The cache could not be read (storage refused): nothing to list.
  }
  list.replaceChildren(...models.map(({ url, title }) => {
    const link = document.createElement("a");
    link.href = url;
    link.textContent = title;
    const item = document.createElement("li");
    item.append(link);
    return item;
  }));
  list.hidden = !models.length;
  status.textContent = models.length
    ? `Máy này đã lưu ${models.length.toLocaleString("vi-VN")} mô hình, đọc được khi ngoại tuyến:`
    : "Máy này chưa lưu mô hình nào. Khi có mạng, mỗi trang mô hình bạn mở sẽ được lưu lại "
      + "để đọc khi ngoại tuyến.";
}

/** The page the worker could not open (?trang=…, from the site root), to try again; the
 * home page when the address does not say. */
function showWanted(note) {
  const asked = new URLSearchParams(window.location.search).get("trang");
  if (!asked) return;
  const url = new URL(asked, ROOT);
  if (!url.href.startsWith(ROOT.href)) return; // the site's own pages only
  note.querySelector("[data-dvk-wanted-link]").href = url.href;
}

for (const note of document.querySelectorAll("[data-dvk-wanted]")) showWanted(note);
for (const list of document.querySelectorAll("[data-dvk-kept]")) showKept(list);
