// Search for the "Dân vận khéo" showcase: the header box and the /tim-kiem/
// page over the site's own static index (docs/search-index.md). The runtime,
// dvk-index.js, loads the index lazily and matches, ranks and counts; this
// module does the presentation: suggestions, the query and filters kept in the
// URL, facet counts, results a page at a time, the words it matched marked.

// The site root, wherever the site is hosted: this file is assets/javascripts/.
const ROOT = new URL("../../", import.meta.url);
const RUNTIME = new URL("dvk-index.js", import.meta.url);
const INDEX = new URL("tim-kiem/chi-muc/", ROOT);
const FACETS = ["tinh", "linh-vuc", "nam", "loai", "bao-chi"];
const PAGE_SIZE = 20;
const SUGGESTIONS = 6;
// The index ranks the whole match set whatever the limit: asking for every id
// costs nothing more, and "Xem thêm" then only fetches the next cards.
const EVERY = Number.MAX_SAFE_INTEGER;
// The index reads a query's first 8 syllables, and drops a syllable longer than 24.
const QUERY_SYLLABLES = 8;
const SYLLABLE_LENGTH = 24;
// A pasted page of text is echoed in the status line cut to this many characters.
const ECHO_LENGTH = 60;

const HINT = "Hãy gõ tên mô hình, địa phương hoặc đơn vị (chữ hoặc số).";
const FAILED = "Không tải được chỉ mục tìm kiếm. Hãy kiểm tra kết nối mạng rồi thử lại.";
// Offline, the search runs over the index parts this phone has kept (the service worker,
// docs/architecture.md "Offline"), and says what it could not reach.
const OFFLINE = "Đang ngoại tuyến: kết quả có thể chưa đầy đủ.";
const OFFLINE_NO_INDEX = "Không tìm được khi ngoại tuyến: máy này chưa tải chỉ mục tìm kiếm về. "
  + "Hãy thử lại khi có mạng.";

let opening = null;

/**
 * The runtime, as a classic <script src> of the site's own: the CSP
 * (script-src 'self') allows no inline script, and the runtime is no module.
 */
function runtime() {
  if (window.DvkIndex) return Promise.resolve(window.DvkIndex);
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = RUNTIME.href;
    script.addEventListener("load", () => {
      if (window.DvkIndex) resolve(window.DvkIndex);
      else reject(new Error(`${RUNTIME.href} defined no DvkIndex`));
    });
    script.addEventListener("error", () => {
      script.remove(); // the next try adds a fresh one
      reject(new Error(`${RUNTIME.href} could not be loaded`));
    });
    document.head.append(script);
  });
}

/**
 * The index, opened on first use so that pages that never search load nothing.
 * A failed opening (the reader went offline) is forgotten, and the next search tries again.
 */
function openIndex() {
  if (!opening) {
    opening = runtime().then((DvkIndex) => DvkIndex.open(INDEX.href));
    opening.catch(() => { opening = null; });
  }
  return opening;
}

/** Whether a failure is the network's (offline), not the index's. */
function networkDown(error) {
  return (window.DvkIndex && error instanceof window.DvkIndex.Unreachable) || !navigator.onLine;
}

/** What an offline search could not reach, for the reader; "" when it reached everything. */
function offlineDetail(words, cards) {
  const said = [];
  if (words?.length) {
    said.push(`Chưa tìm được theo ${words.map((word) => `“${word}”`).join(", ")}: máy này chưa tải `
      + "phần chỉ mục đó, nên kết quả chỉ tìm theo các từ còn lại.");
  }
  if (cards) said.push(`${cards.toLocaleString("vi-VN")} kết quả chưa hiện được vì máy chưa tải về.`);
  return said.join(" ");
}

/** How the index will read `query`: whether it has a syllable at all, and whether some are cut. */
function readQuery(query) {
  const found = window.DvkIndex.syllables(query);
  return { usable: found.length > 0, cut: found.length > QUERY_SYLLABLES };
}

const wordChars = new Map();

/** Whether a character counts as part of a word, as the index sees it (its folded form is a-z, 0-9). */
function isWordChar(ch) {
  let known = wordChars.get(ch);
  if (known === undefined) {
    known = /^[a-z0-9]+$/.test(window.DvkIndex.fold(ch.toLowerCase()));
    if (wordChars.size < 4096) wordChars.set(ch, known);
  }
  return known;
}

/**
 * Which folded words of a text the query matched, folded the index's way
 * (marks dropped, đ as d). With `prefix` (the reader is typing), the last
 * query word may be half typed, so it matches as a prefix, as in the index.
 */
function matcher(query, prefix) {
  const terms = window.DvkIndex.syllables(query).slice(0, QUERY_SYLLABLES).map((s) => s.term);
  const partial = prefix && terms.length && !query.endsWith(" ") ? terms[terms.length - 1] : null;
  return (term) => terms.includes(term) || (partial !== null && term.startsWith(partial));
}

/** `text` as DOM nodes, with the words `matches` accepts wrapped in <mark>. */
function highlighted(text, matches) {
  const fragment = document.createDocumentFragment();
  let plain = "";
  let run = [];
  const flush = () => {
    if (!run.length) return;
    const word = run.join("");
    // A run the index would drop (too long) matched nothing.
    if (run.length <= SYLLABLE_LENGTH && matches(window.DvkIndex.fold(word.toLowerCase()))) {
      if (plain) fragment.append(plain);
      fragment.append(element("mark", {}, word));
      plain = "";
    } else {
      plain += word;
    }
    run = [];
  };
  // NFC, as the index reads it: a decomposed mark would otherwise split a word.
  for (const ch of String(text ?? "").normalize("NFC")) {
    if (isWordChar(ch)) {
      run.push(ch);
    } else {
      flush();
      plain += ch;
    }
  }
  flush();
  if (plain) fragment.append(plain);
  return fragment;
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** The query as the status line repeats it: a pasted page of text cut short. */
function echo(words) {
  const chars = [...words];
  return chars.length > ECHO_LENGTH ? `${chars.slice(0, ECHO_LENGTH - 1).join("").trimEnd()}…` : words;
}

/** A card's link: card URLs are relative to the site root. */
function cardUrl(card) {
  return new URL(card.url, ROOT).href;
}

function resultMeta(card) {
  return [card.place, card.field, card.kind, card.year].filter(Boolean).join(" · ");
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

  // A disabled option (the hint for a query with no word) is read, not chosen.
  const options = () => [...list.querySelectorAll("[role=option]:not([aria-disabled=true])")];

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

  function option(i, attributes, ...children) {
    return element("li", { role: "option", id: `dvk-suggest-${i}`, "aria-selected": "false", ...attributes },
      ...children);
  }

  function fullSearch(query, text) {
    const all = new URL("tim-kiem/", ROOT);
    all.searchParams.set("q", query.trim());
    return element("a", { href: all.href, tabindex: "-1" }, text);
  }

  function show(items) {
    list.replaceChildren(...items);
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  async function suggest() {
    const query = input.value;
    const mine = ++generation;
    if (!query.trim()) return close();
    let found;
    let cards;
    let usable;
    try {
      const index = await openIndex();
      usable = readQuery(query).usable;
      found = usable ? await index.search(query, { prefix: true, limit: SUGGESTIONS }) : null;
      cards = usable ? (await index.cards(found.ids)).filter(Boolean) : [];
    } catch {
      // Offline, or the index is missing: the full search page says so, and may do better.
      if (mine === generation) {
        show([option(0, { class: "dvk-suggest__all" },
          fullSearch(query, "Không tải được gợi ý — mở trang tìm kiếm"))]);
      }
      return;
    }
    if (mine !== generation) return; // a newer keystroke won
    if (!usable) {
      show([option(0, { class: "dvk-suggest__all dvk-suggest__hint", "aria-disabled": "true" }, HINT)]);
      return;
    }
    const matches = matcher(query, true);
    const items = cards.map((card, i) => option(i, {},
      element("a", { href: cardUrl(card), tabindex: "-1" },
        element("span", { class: "dvk-suggest__title" }, highlighted(card.title, matches)),
        element("span", { class: "dvk-suggest__meta" }, resultMeta(card)),
        element("span", { class: "dvk-suggest__summary" }, highlighted(card.summary || "", matches)))));
    const more = found.total
      ? `Xem tất cả ${found.total.toLocaleString("vi-VN")} kết quả`
      : `Không có kết quả cho “${echo(query.trim())}” — mở trang tìm kiếm`;
    items.push(option(cards.length, { class: "dvk-suggest__all" }, fullSearch(query, more)));
    show(items);
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, 150);
  });
  // Warm up while the reader types; a failure shows when the suggestions ask again.
  input.addEventListener("focus", () => { openIndex().catch(() => {}); });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") { event.preventDefault(); if (list.hidden) suggest(); else activate(active + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); activate(active - 1); }
    else if (event.key === "Escape") { if (!list.hidden) { event.preventDefault(); close(); } else input.value = ""; }
    else if (event.key === "Enter" && active >= 0) {
      const link = options()[active]?.querySelector("a");
      if (!link) return; // the list changed under the keyboard: submit the form instead
      event.preventDefault();
      window.location.href = link.href;
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
  // Above the status line while a search could not reach part of the index (offline).
  const notice = element("div", { class: "dvk-empty dvk-search__offline", role: "status" });
  let generation = 0;
  let timer = null;
  // Search as you type treats the last word as half typed; a query from the
  // URL or a submit is taken as whole words.
  let typing = false;

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

  function showOffline(detail) {
    if (!detail) {
      notice.remove();
      return;
    }
    notice.replaceChildren(element("strong", {}, OFFLINE), " ", detail);
    status.before(notice);
  }

  /** The next page of results; false when a newer search replaced them meanwhile. */
  async function showMore() {
    const mine = generation;
    const { index, ids, matches } = current;
    const slice = ids.slice(shown, shown + PAGE_SIZE);
    // Offline, the cards the phone has: the others are counted, and said missing.
    const cards = await index.cards(slice, { partial: true });
    if (mine !== generation) return false;
    current.missing += cards.filter((card) => !card).length;
    showOffline(offlineDetail(current.unreachable, current.missing));
    for (const card of cards) {
      if (!card) continue;
      list.append(element("li", { class: "dvk-result" },
        element("h3", { class: "dvk-result__title" },
          element("a", { href: cardUrl(card) }, highlighted(card.title, matches))),
        element("p", { class: "dvk-result__meta" }, resultMeta(card)),
        element("p", { class: "dvk-result__summary" }, highlighted(card.summary || "", matches))));
    }
    shown += slice.length;
    more.hidden = shown >= ids.length;
    return true;
  }

  function failed(offline) {
    list.replaceChildren();
    more.hidden = true;
    none.hidden = true;
    showOffline("");
    status.textContent = offline ? OFFLINE_NO_INDEX : FAILED;
  }

  async function run() {
    clearTimeout(timer);
    const state = formState();
    writeState(state);
    const mine = ++generation;
    const prefix = typing;
    status.textContent = "Đang tìm…";
    try {
      const index = await openIndex();
      if (mine !== generation) return;
      const words = state.query.trim();
      // Punctuation, emoji or one endless word give the index nothing to look up:
      // the index browses then, and the page says what to type instead of listing.
      const { usable, cut } = words ? readQuery(state.query) : { usable: true, cut: false };
      const query = usable ? state.query : "";
      // No words: a browse, of everything when no filter is set either.
      // With the flags (press coverage): the page counts "Báo chí" as any other facet.
      // Partial: offline, over the index parts the phone has, saying which words it left out.
      const found = await index.search(query,
        { filters: state.filters, prefix, limit: EVERY, flags: true, partial: true });
      if (mine !== generation) return;
      current = { index, ids: usable ? found.ids : [], matches: matcher(query, prefix),
        unreachable: found.unreachable, missing: 0 };
      showOffline(offlineDetail(current.unreachable, 0));
      shown = 0;
      list.replaceChildren();
      // The counts come with the results: what each filter value would leave.
      showCounts(found.counts);
      const total = current.ids.length;
      if (total) {
        if (!await showMore()) return;
      } else {
        more.hidden = true;
      }
      none.hidden = !usable || total > 0;
      const quoted = words ? ` cho “${echo(words)}”` : "";
      // Announced last, once the results it counts are on the page.
      if (!usable) status.textContent = HINT;
      else if (total) status.textContent = `${total.toLocaleString("vi-VN")} mô hình${quoted}`;
      else status.textContent = `Không có kết quả${quoted}`;
      if (usable && cut) status.textContent += ` (chỉ tìm theo ${QUERY_SYLLABLES} từ đầu)`;
    } catch (error) {
      if (mine === generation) failed(networkDown(error));
    }
  }

  // Restore the query and filters from the URL, so a shared link reopens the same list.
  // A value no box offers (a stale or mistyped link) is ignored, and dropped from the URL.
  const initial = readState();
  // On a phone the filters start folded, unless the link set some: dvk-search-fold.js
  // does it, before the results are laid out.
  input.value = initial.query;
  for (const f of FACETS) {
    for (const value of initial.filters[f]) {
      const box = facets.querySelector(`input[name="${f}"][value="${CSS.escape(value)}"]`);
      if (box) box.checked = true;
    }
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); typing = false; run(); });
  input.addEventListener("input", () => { typing = true; clearTimeout(timer); timer = setTimeout(run, 200); });
  facets.addEventListener("change", () => run());
  facets.addEventListener("reset", () => setTimeout(run)); // after the boxes are cleared
  // Each ticked box has already applied: "Xem kết quả" takes the keyboard to the count of
  // results, past the other filters, instead of reloading the page.
  facets.addEventListener("submit", (event) => { event.preventDefault(); status.focus(); });
  more.addEventListener("click", async () => {
    const first = list.children.length;
    try {
      if (!await showMore()) return;
    } catch {
      status.textContent = FAILED;
      return;
    }
    list.children[first]?.querySelector("a")?.focus(); // keep the keyboard where reading continues
  });
  run();
}

for (const box of document.querySelectorAll("[data-dvk-searchbox]")) setUpSearchBox(box);
for (const page of document.querySelectorAll("[data-dvk-search]")) setUpSearchPage(page);
