// Search for the "Dân vận khéo" showcase: Pagefind's JS API behind the header
// box and the /tim-kiem/ page. Pagefind's bundled UIs cannot keep the query and
// filters in the URL or match Material's header, so this small module does the
// presentation; Pagefind does the indexing, loading and ranking.

// The site root, wherever the site is hosted: this file is assets/javascripts/.
const ROOT = new URL("../../", import.meta.url);
const FACETS = ["tinh", "linh-vuc", "nam", "loai"];
const PAGE_SIZE = 20;
const SUGGESTIONS = 6;

let pagefindLoading = null;

/** Pagefind, imported on first use so that pages that never search load nothing. */
function pagefind() {
  pagefindLoading ??= import(new URL("pagefind/pagefind.js", ROOT).href).then(async (pf) => {
    await pf.options({ baseUrl: ROOT.pathname });
    pf.init();
    return pf;
  });
  return pagefindLoading;
}

/** Lowercase, tone and vowel marks removed, đ folded to d: how matching sees text. */
export function fold(text) {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .toLowerCase();
}

const WORD = /[\p{L}\p{N}]+/gu;

/** `text` as DOM nodes, with the words that match the query wrapped in <mark>. */
function highlighted(text, query) {
  const terms = (fold(query).match(WORD) || []).filter(Boolean);
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(WORD)) {
    const word = fold(match[0]);
    // The last query word may be half typed, so it matches as a prefix.
    const hit = terms.some((t, i) => word === t || (i === terms.length - 1 && word.startsWith(t)));
    if (!hit) continue;
    fragment.append(text.slice(last, match.index));
    const mark = document.createElement("mark");
    mark.textContent = match[0];
    fragment.append(mark);
    last = match.index + match[0].length;
  }
  fragment.append(text.slice(last));
  return fragment;
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

let queue = Promise.resolve();

/** Run searches one at a time: the exact-accent pass flips a Pagefind option. */
function serially(task) {
  const next = queue.then(task, task);
  queue = next.catch(() => {});
  return next;
}

/** Whether the reader typed any Vietnamese mark (tone, vowel mark or đ). */
function hasMarks(text) {
  return /[\u0300-\u036fđĐ]/.test(text.normalize("NFD"));
}

/**
 * Run a query (or none: browse by filters) and return Pagefind's search object.
 *
 * Pagefind folds marks, so "Dung" and "Dũng" match each other, but it gives an
 * accented query no boost for the pages that carry exactly those accents. When
 * the reader typed marks, the pages that match them exactly come first, then
 * the rest of the folded matches.
 */
function search(query, filters) {
  return serially(async () => {
    const pf = await pagefind();
    const term = query.trim() || null;
    const active = Object.fromEntries(
      Object.entries(filters).filter(([, values]) => values.length).map(([k, v]) => [k, { any: v }]),
    );
    // With no words, browse: everything matching the filters, newest first.
    const options = term ? { filters: active } : { filters: active, sort: { date: "desc" } };
    if (!term || !hasMarks(term)) return pf.search(term, options);
    await pf.options({ exactDiacritics: true });
    let exact;
    try {
      exact = await pf.search(term, options);
    } finally {
      await pf.options({ exactDiacritics: false });
    }
    const folded = await pf.search(term, options);
    const first = new Set(exact.results.map((r) => r.id));
    return { ...folded, results: [...exact.results, ...folded.results.filter((r) => !first.has(r.id))] };
  });
}

function resultMeta(data) {
  const m = data.meta;
  return [m.province, m.field, m.kind, m.year].filter(Boolean).join(" · ");
}

// ---------------------------------------------------------------------------
// The header box: suggestions in a listbox, driven by the keyboard or the mouse.

function setUpSearchBox(box) {
  const form = box.querySelector("form");
  const input = box.querySelector("input");
  const list = box.querySelector("[role=listbox]");
  let active = -1;
  let generation = 0;
  let timer = null;

  const options = () => [...list.querySelectorAll("[role=option]")];

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function activate(index) {
    const all = options();
    if (!all.length) return;
    active = (index + all.length) % all.length;
    all.forEach((option, i) => option.setAttribute("aria-selected", String(i === active)));
    input.setAttribute("aria-activedescendant", all[active].id);
    all[active].scrollIntoView({ block: "nearest" });
  }

  async function suggest() {
    const query = input.value;
    const mine = ++generation;
    if (!query.trim()) return close();
    const found = await search(query, {});
    const data = await Promise.all(found.results.slice(0, SUGGESTIONS).map((r) => r.data()));
    if (mine !== generation) return; // a newer keystroke won
    list.replaceChildren();
    data.forEach((item, i) => {
      const link = element("a", { href: item.url, tabindex: "-1" },
        element("span", { class: "dvk-suggest__title" }, highlighted(item.meta.title, query)),
        element("span", { class: "dvk-suggest__meta" }, resultMeta(item)),
        element("span", { class: "dvk-suggest__summary" }, highlighted(item.meta.summary || "", query)));
      list.append(element("li", { role: "option", id: `dvk-suggest-${i}`, "aria-selected": "false" }, link));
    });
    const all = new URL("tim-kiem/", ROOT);
    all.searchParams.set("q", query);
    const more = found.results.length
      ? `Xem tất cả ${found.results.length} kết quả`
      : `Không có kết quả cho “${query}” — mở trang tìm kiếm`;
    list.append(element("li", { role: "option", id: `dvk-suggest-${data.length}`, "aria-selected": "false", class: "dvk-suggest__all" },
      element("a", { href: all.href, tabindex: "-1" }, more)));
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = -1;
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, 150);
  });
  input.addEventListener("focus", () => pagefind()); // warm up while the reader types
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") { event.preventDefault(); if (list.hidden) suggest(); else activate(active + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); activate(active - 1); }
    else if (event.key === "Escape") { if (!list.hidden) { event.preventDefault(); close(); } else input.value = ""; }
    else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.href = options()[active].querySelector("a").href;
    }
  });
  form.addEventListener("focusout", (event) => {
    if (!form.contains(event.relatedTarget)) close();
  });
  list.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus on click
}

// ---------------------------------------------------------------------------
// The full search page: query, facets with counts, results, all kept in the URL.

function setUpSearchPage(root) {
  const form = root.querySelector("[data-dvk-search-form]");
  const input = form.querySelector("input");
  const facets = root.querySelector("[data-dvk-facets]");
  const status = root.querySelector("[role=status]");
  const list = root.querySelector("[data-dvk-results]");
  const more = root.querySelector("[data-dvk-more]");
  const none = root.querySelector("[data-dvk-none]");
  let current = null;
  let shown = 0;
  let generation = 0;
  let timer = null;

  function readState() {
    const params = new URLSearchParams(window.location.search);
    const filters = Object.fromEntries(FACETS.map((f) => [f, params.getAll(f)]));
    return { query: params.get("q") || "", filters };
  }

  function formState() {
    const filters = Object.fromEntries(FACETS.map((f) => [f,
      [...facets.querySelectorAll(`input[name="${f}"]:checked`)].map((box) => box.value)]));
    return { query: input.value, filters };
  }

  function writeState({ query, filters }) {
    const params = new URLSearchParams();
    if (query.trim()) params.set("q", query.trim());
    for (const f of FACETS) for (const value of filters[f]) params.append(f, value);
    const url = `${window.location.pathname}${params.size ? `?${params}` : ""}`;
    window.history.replaceState(null, "", url);
  }

  function showCounts(counts) {
    for (const f of FACETS) {
      for (const box of facets.querySelectorAll(`input[name="${f}"]`)) {
        const n = counts?.[f]?.[box.value] ?? 0;
        box.closest("label").querySelector("[data-count]").textContent = `(${n.toLocaleString("vi-VN")})`;
        box.closest("li").classList.toggle("dvk-facet--empty", n === 0 && !box.checked);
      }
    }
  }

  async function showMore(query) {
    const slice = current.results.slice(shown, shown + PAGE_SIZE);
    const data = await Promise.all(slice.map((r) => r.data()));
    for (const item of data) {
      list.append(element("li", { class: "dvk-result" },
        element("h3", { class: "dvk-result__title" }, element("a", { href: item.url }, highlighted(item.meta.title, query))),
        element("p", { class: "dvk-result__meta" }, resultMeta(item)),
        element("p", { class: "dvk-result__summary" }, highlighted(item.meta.summary || "", query))));
    }
    shown += slice.length;
    more.hidden = shown >= current.results.length;
  }

  async function run() {
    const state = formState();
    writeState(state);
    const mine = ++generation;
    status.textContent = "Đang tìm…";
    const found = await search(state.query, state.filters);
    if (mine !== generation) return;
    current = found;
    shown = 0;
    list.replaceChildren();
    showCounts(found.filters);
    const total = found.results.length;
    const words = state.query.trim();
    if (total) await showMore(state.query);
    else more.hidden = true;
    if (mine !== generation) return;
    none.hidden = total > 0;
    // Announced last, once the results it counts are on the page.
    status.textContent = total
      ? `${total.toLocaleString("vi-VN")} mô hình${words ? ` cho “${words}”` : ""}`
      : `Không có kết quả${words ? ` cho “${words}”` : ""}`;
  }

  // Restore the query and filters from the URL, so a shared link reopens the same list.
  const initial = readState();
  // On a phone the filters start folded, unless the link set some.
  const folded = root.querySelector("[data-dvk-filters]");
  const anyFilter = FACETS.some((f) => initial.filters[f].length);
  if (folded && !anyFilter && window.matchMedia("(max-width: 44.99em)").matches) folded.open = false;
  input.value = initial.query;
  for (const f of FACETS) {
    for (const value of initial.filters[f]) {
      const box = facets.querySelector(`input[name="${f}"][value="${CSS.escape(value)}"]`);
      if (box) box.checked = true;
    }
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 200); });
  facets.addEventListener("change", () => run());
  facets.addEventListener("reset", () => setTimeout(run)); // after the boxes are cleared
  more.addEventListener("click", async () => {
    const first = list.children.length;
    await showMore(formState().query);
    list.children[first]?.querySelector("a")?.focus(); // keep the keyboard where reading continues
  });
  // First results first: they need only the index chunks of the query's words.
  // The facet counts need every filter chunk, so those load afterwards.
  run().then(async () => {
    await (await pagefind()).filters();
    const counted = await search(input.value, formState().filters);
    showCounts(counted.filters);
  });
}

for (const box of document.querySelectorAll("[data-dvk-searchbox]")) setUpSearchBox(box);
for (const page of document.querySelectorAll("[data-dvk-search]")) setUpSearchPage(page);
