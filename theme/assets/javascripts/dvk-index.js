// The search index runtime of the "Dân vận khéo" showcase: reads the static
// index written by generator/publish/searchindex/ and answers queries in the
// browser, exactly as docs/search-index.md specifies (format version 1).
//
// A classic script (the site's CSP is script-src 'self'): it defines
// window.DvkIndex and nothing else. No dependency, no WebAssembly, no eval.
//
//   const index = await DvkIndex.open(baseUrl);   // the index folder, ".../tim-kiem/chi-muc/"
//   const r = await index.search(query, { filters, prefix, limit, flags, partial });
//   //  r = { ids, total, counts: { facet: { valueKey: n } }, unreachable: [syllable, …] }
//   //  flags: true loads the flag facets' bitmaps for their counts (the search page);
//   //  a filter on a flag loads them anyway.
//   //  partial: true searches on without a file the network could not fetch (offline):
//   //  the syllables it left out, as typed, are in r.unreachable.
//   const cards = await index.cards(r.ids, { partial });  // partial: null for such cards
//
// A file the network could not fetch fails with a DvkIndex.Unreachable error.
//
// Everything is fetched lazily and cached per index object: the manifest once,
// a dictionary shard when a syllable falls in it, a postings file for each term
// used, a bigram shard for each bigram of the query, a card file for the ids
// shown. Independent fetches run in parallel.

(function () {
  "use strict";

  const VERSION = 1;
  const MAX_SYLLABLES = 8;
  const MAX_SYLLABLE_LENGTH = 24;
  const PREFIX_TERMS = 20;
  const DEFAULT_LIMIT = 20;
  /**
   * A range is [start, count, value index of each facet, in the manifest's facet order].
   * A cell is a range, or the part of one with given flag values, as
   * [start, count, value index of each facet, then of each flag]; a flag not loaded is -1.
   */
  const RANGE_VALUES = 2;

  // -------------------------------------------------------------------------
  // Text: normal form, folding, syllables.

  /** NFD, tone and vowel marks (category Mn) dropped, đ mapped to d, NFC. */
  function fold(text) {
    return text.normalize("NFD").replace(/\p{Mn}/gu, "").replace(/đ/g, "d").normalize("NFC");
  }

  const WORD = /^[a-z0-9]+$/;
  const wordChars = new Map();

  /** Whether one code point of lower-cased NFC text is a word character. */
  function isWordChar(ch) {
    let known = wordChars.get(ch);
    if (known === undefined) {
      known = WORD.test(fold(ch));
      if (wordChars.size < 8192) wordChars.set(ch, known);
    }
    return known;
  }

  /**
   * The syllables of `text`: [{variant, term, joined}], where `joined` says the
   * syllable follows the previous one with no syllable dropped between them
   * (so the two make a bigram). Runs longer than 24 code points are dropped.
   */
  function syllables(text) {
    const lower = String(text).normalize("NFC").toLowerCase();
    const out = [];
    let run = [];
    let broken = true; // nothing before the first syllable
    const flush = () => {
      if (!run.length) return;
      if (run.length > MAX_SYLLABLE_LENGTH) {
        broken = true;
      } else {
        const variant = run.join("");
        out.push({ variant, term: fold(variant), joined: !broken });
        broken = false;
      }
      run = [];
    };
    for (const ch of lower) {
      if (isWordChar(ch)) run.push(ch);
      else flush();
    }
    flush();
    return out;
  }

  /**
   * The query's syllables (the first 8), the last one marked as a prefix when
   * `prefix` is set and the query does not end with a space.
   */
  function querySyllables(query, prefix) {
    const text = typeof query === "string" ? query : query == null ? "" : String(query);
    const kept = syllables(text).slice(0, MAX_SYLLABLES);
    kept.forEach((s, i) => {
      s.prefix = false;
      if (i === 0) s.joined = false;
    });
    if (prefix && kept.length && !text.endsWith(" ")) kept[kept.length - 1].prefix = true;
    return kept;
  }

  // -------------------------------------------------------------------------
  // Binary: LEB128 varints, postings, bigram shards.

  class Reader {
    constructor(bytes) {
      this.bytes = bytes;
      this.pos = 0;
    }

    get done() {
      return this.pos >= this.bytes.length;
    }

    byte() {
      if (this.pos >= this.bytes.length) throw new Error("dvk-index: truncated file");
      return this.bytes[this.pos++];
    }

    /** An unsigned LEB128 varint (exact up to 2^53). */
    varint() {
      let value = 0;
      let scale = 1;
      for (;;) {
        const b = this.byte();
        value += (b & 0x7f) * scale;
        if (!(b & 0x80)) return value;
        scale *= 128;
      }
    }
  }

  /** A term's postings file: its match set as a bitmap of N bits, and its head. */
  function parsePostings(buffer, n) {
    const reader = new Reader(new Uint8Array(buffer));
    const size = Math.ceil(n / 8);
    const count = reader.varint();
    const kind = reader.byte();
    let bitmap;
    if (kind === 0) {
      bitmap = new Uint8Array(size);
      let id = -1;
      for (let i = 0; i < count; i++) {
        id += reader.varint();
        if (id >= 0 && id < n) bitmap[id >> 3] |= 1 << (id & 7);
      }
    } else if (kind === 1) {
      bitmap = reader.bytes.slice(reader.pos, reader.pos + size);
      if (bitmap.length < size) throw new Error("dvk-index: truncated bitmap");
      reader.pos += size;
    } else {
      throw new Error(`dvk-index: unknown match set kind ${kind}`);
    }
    const headCount = reader.varint();
    const ids = new Int32Array(headCount);
    const impacts = new Uint8Array(headCount);
    const variants = new Int32Array(headCount);
    for (let i = 0; i < headCount; i++) {
      ids[i] = reader.varint();
      impacts[i] = reader.byte();
      variants[i] = reader.varint();
    }
    return { count, bitmap, head: { ids, impacts, variants } };
  }

  /** A bigram shard: key -> its head {ids, impacts}. */
  function parseBigrams(buffer) {
    const reader = new Reader(new Uint8Array(buffer));
    const decoder = new TextDecoder();
    const shard = new Map();
    while (!reader.done) {
      const length = reader.varint();
      const key = decoder.decode(reader.bytes.subarray(reader.pos, reader.pos + length));
      reader.pos += length;
      const headCount = reader.varint();
      const ids = new Int32Array(headCount);
      const impacts = new Uint8Array(headCount);
      for (let i = 0; i < headCount; i++) {
        ids[i] = reader.varint();
        impacts[i] = reader.byte();
      }
      shard.set(key, { ids, impacts });
    }
    return shard;
  }

  const encoder = new TextEncoder();

  /** FNV-1a, 32 bits, over the UTF-8 bytes of `key`. */
  function fnv1a(key) {
    let hash = 0x811c9dc5;
    for (const b of encoder.encode(key)) {
      hash ^= b;
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash >>> 0;
  }

  // -------------------------------------------------------------------------
  // Helpers.

  /** A file the network did not answer for (offline): no response, not an HTTP error. */
  class Unreachable extends Error {}

  async function fetchOk(url) {
    let response;
    try {
      response = await fetch(url);
    } catch (error) {
      throw new Unreachable(`dvk-index: ${url} unreachable (${error.message})`);
    }
    if (!response.ok) throw new Error(`dvk-index: ${response.status} for ${url}`);
    return response;
  }

  /** With `partial`, null instead of an Unreachable error: the search goes on without it. */
  function unlessUnreachable(promise, partial) {
    return promise.catch((error) => {
      if (partial && error instanceof Unreachable) return null;
      throw error;
    });
  }

  /** `cache.get(key)`, or the promise `load()` gives, kept; a failed load is forgotten. */
  function cached(cache, key, load) {
    let promise = cache.get(key);
    if (!promise) {
      promise = load();
      cache.set(key, promise);
      promise.catch(() => cache.delete(key));
    }
    return promise;
  }

  /** The largest i with sorted[i] <= value, or -1. */
  function floorIndex(sorted, value) {
    let lo = 0;
    let hi = sorted.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] <= value) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** The first i with entries[i][0] >= term (entries in term order). */
  function lowerBound(entries, term) {
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (entries[mid][0] < term) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  function compareTerms(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
  }

  // -------------------------------------------------------------------------
  // The index.

  class DvkIndex {
    constructor(base, manifest) {
      this.base = base;
      this.manifest = manifest;
      this.n = manifest.N;
      // Facets in the manifest's order, which is the order of the ranges' value columns.
      const facets = Array.isArray(manifest.facets)
        ? manifest.facets.map((f) => (Array.isArray(f) ? f : [f.name, f.values]))
        : Object.entries(manifest.facets || {});
      // Flags come after the facets: their values follow the facets' in a cell.
      const flags = Object.entries(manifest.flags || {});
      this.facets = [...facets, ...flags].map(([name, values], column) => {
        const keys = (values || []).map((v) => String(Array.isArray(v) ? v[0] : v));
        const flag = column >= facets.length;
        return { name, keys, index: new Map(keys.map((k, i) => [k, i])), column, flag };
      });
      this.flagCount = flags.length;
      this.ranges = (manifest.ranges || []).slice().sort((a, b) => a[0] - b[0])
        .map((range) => [...range.slice(0, RANGE_VALUES + facets.length),
          ...flags.map(() => -1)]);
      this.dict = manifest.dict || [];
      this.cardSize = manifest.cards;
      this._shards = new Map();
      this._postings = new Map();
      this._bigrams = new Map();
      this._cards = new Map();
      this._rangeOf = null;
      this._flagged = null;
    }

    /** Open the index whose folder is `baseUrl` (ending in "/"): fetches its manifest. */
    static async open(baseUrl) {
      let base = String(baseUrl);
      if (!base.endsWith("/")) base += "/";
      const root = new URL(base, typeof document !== "undefined" ? document.baseURI : undefined);
      const manifest = await (await fetchOk(new URL("manifest.json", root))).json();
      if (manifest.version !== VERSION) {
        throw new Error(`dvk-index: index version ${manifest.version}, expected ${VERSION}`);
      }
      return new DvkIndex(root, manifest);
    }

    _url(path) {
      return new URL(path, this.base);
    }

    _shard(i) {
      return cached(this._shards, i, async () => {
        const entries = await (await fetchOk(this._url(`d/${i}.json`))).json();
        return entries;
      });
    }

    _postingsOf(id) {
      return cached(this._postings, id, async () => {
        const buffer = await (await fetchOk(this._url(`t/${id}.bin`))).arrayBuffer();
        return parsePostings(buffer, this.n);
      });
    }

    _bigramShard(i) {
      return cached(this._bigrams, i, async () => {
        const buffer = await (await fetchOk(this._url(`b/${i}.bin`))).arrayBuffer();
        return parseBigrams(buffer);
      });
    }

    _cardFile(i) {
      return cached(this._cards, i, async () => (await fetchOk(this._url(`c/${i}.json`))).json());
    }

    /** The dictionary shards whose range can hold a term starting with `prefix`. */
    _shardsFor(prefix) {
      // Those terms sort from `prefix` to below prefix + U+FFFF: every shard from the
      // one where `prefix` would fall to the last one starting before that bound.
      const first = Math.max(0, floorIndex(this.dict, prefix));
      const last = floorIndex(this.dict, prefix + "\uffff");
      const out = [];
      for (let i = first; i <= last; i++) out.push(i);
      return out;
    }

    /** The dictionary entry [term, df, id, variants] of `term`, or null. */
    async _entry(term) {
      const at = floorIndex(this.dict, term);
      if (at < 0) return null;
      const entries = await this._shard(at);
      const i = lowerBound(entries, term);
      return i < entries.length && entries[i][0] === term ? entries[i] : null;
    }

    /** The terms a prefix names: the exact one first, then by df (high first), then term order. */
    async _expand(prefix) {
      const shards = await Promise.all(this._shardsFor(prefix).map((i) => this._shard(i)));
      let exact = null;
      const others = [];
      for (const entries of shards) {
        for (let i = lowerBound(entries, prefix); i < entries.length; i++) {
          const entry = entries[i];
          if (!entry[0].startsWith(prefix)) break;
          if (entry[0] === prefix) exact = entry;
          else others.push(entry);
        }
      }
      others.sort((a, b) => b[1] - a[1] || compareTerms(a[0], b[0]));
      const terms = exact ? [exact, ...others] : others;
      return { exact, terms: terms.slice(0, PREFIX_TERMS) };
    }

    /** Facet filters as one Set of value indexes per facet, or null (no filter). */
    _filters(filters) {
      const out = this.facets.map(() => null);
      if (!filters || typeof filters !== "object") return out;
      this.facets.forEach((facet, f) => {
        if (!Object.prototype.hasOwnProperty.call(filters, facet.name)) return;
        let values = filters[facet.name];
        if (values == null) return;
        if (typeof values === "string" || typeof values === "number") values = [values];
        if (typeof values[Symbol.iterator] !== "function") return;
        const chosen = new Set();
        for (const value of values) {
          const at = facet.index.get(String(value));
          if (at !== undefined) chosen.add(at);
        }
        if (chosen.size) out[f] = chosen;
      });
      return out;
    }

    /** The ranges as cells, and the range index of each document id (-1: in none). */
    _rangeCells() {
      if (!this._rangeOf) {
        this._rangeOf = new Int32Array(this.n).fill(-1);
        this.ranges.forEach((range, r) => {
          const end = Math.min(this.n, range[0] + range[1]);
          for (let id = Math.max(0, range[0]); id < end; id++) this._rangeOf[id] = r;
        });
      }
      return { cells: this.ranges, cellOf: this._rangeOf };
    }

    /**
     * The cells with every flag loaded: each range split by the flag values its
     * documents have, and the cell index of each document id. Fetches the bitmaps once.
     */
    _flagCells() {
      if (!this._flagged) {
        const flags = this.facets.filter((facet) => facet.flag);
        this._flagged = Promise.all(flags.map(async (facet) => {
          const buffer = await (await fetchOk(this._url(`f/${facet.name}.bin`))).arrayBuffer();
          return new Uint8Array(buffer);
        })).then((bitmaps) => {
          const { cells: ranges, cellOf: rangeOf } = this._rangeCells();
          const cellOf = new Int32Array(this.n).fill(-1);
          const cells = [];
          const found = new Map();
          const first = RANGE_VALUES + this.facets.length - flags.length;
          for (let id = 0; id < this.n; id++) {
            const r = rangeOf[id];
            if (r < 0) continue;
            // A set bit is the flag's first value (index 0), a clear one its second.
            let combination = 0;
            bitmaps.forEach((bits, j) => {
              if (!((bits[id >> 3] >> (id & 7)) & 1)) combination |= 1 << j;
            });
            const key = r * (1 << flags.length) + combination;
            let c = found.get(key);
            if (c === undefined) {
              c = cells.length;
              found.set(key, c);
              const cell = ranges[r].slice();
              cell[1] = 0;
              bitmaps.forEach((_, j) => { cell[first + j] = (combination >> j) & 1; });
              cells.push(cell);
            }
            cells[c][1]++;
            cellOf[id] = c;
          }
          return { cells, cellOf };
        });
        this._flagged.catch(() => { this._flagged = null; });
      }
      return this._flagged;
    }

    /** The cells a search works on: flagged when it filters on a flag or asks for them. */
    async _cellsFor(filters, withFlags) {
      const flagged = this.flagCount > 0 && (withFlags
        || this.facets.some((facet, f) => facet.flag && filters[f]));
      return flagged ? this._flagCells() : this._rangeCells();
    }

    _emptyCounts() {
      return Object.fromEntries(this.facets.map((f) => [f.name, {}]));
    }

    /** Whether `range` passes every filter but that of facet `except` (-1: every filter). */
    _passes(range, filters, except) {
      for (let f = 0; f < filters.length; f++) {
        if (f !== except && filters[f] && !filters[f].has(range[RANGE_VALUES + f])) return false;
      }
      return true;
    }

    /** Counts per facet value and the total, from the matches in each cell. */
    _count(cells, perCell, filters) {
      const counts = this._emptyCounts();
      let total = 0;
      cells.forEach((range, r) => {
        const matched = perCell[r];
        if (!matched) return;
        if (this._passes(range, filters, -1)) total += matched;
        this.facets.forEach((facet, f) => {
          if (!this._passes(range, filters, f)) return;
          const key = facet.keys[range[RANGE_VALUES + f]];
          if (key === undefined) return;
          counts[facet.name][key] = (counts[facet.name][key] || 0) + matched;
        });
      });
      return { counts, total };
    }

    /**
     * Search: `{ids, total, counts}` for `query`, with `options.filters`
     * ({facet: [valueKey, …]}), `options.prefix` (the last syllable is being
     * typed) and `options.limit` (top ids returned, 20 by default).
     */
    async search(query, options = {}) {
      const opts = options && typeof options === "object" ? options : {};
      let limit = Number(opts.limit ?? DEFAULT_LIMIT);
      limit = Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : DEFAULT_LIMIT;
      const filters = this._filters(opts.filters);
      const syls = querySyllables(query, Boolean(opts.prefix));
      const empty = () => ({ ids: [], total: 0, counts: this._emptyCounts() });
      const cellsReady = this._cellsFor(filters, Boolean(opts.flags));
      cellsReady.catch(() => {}); // an early return leaves it unawaited: no unhandled rejection

      // No syllable: a browse of what the filters allow, everything without one.
      if (!syls.length) return this._browse(await cellsReady, filters, limit);

      // 1. The dictionary: one entry per syllable, or a prefix's terms.
      // Partial: a syllable whose shard the network could not fetch is null, left out.
      const partial = Boolean(opts.partial);
      const resolved = await Promise.all(syls.map((s) => unlessUnreachable((async () => {
        if (s.prefix) return this._expand(s.term);
        const entry = await this._entry(s.term);
        return { exact: entry, terms: entry ? [entry] : [] };
      })(), partial)));
      if (resolved.some((r) => r && !r.terms.length)) return empty();

      // 2. Postings of every term named, and the bigram shards, in parallel.
      const postingIds = new Set();
      for (const r of resolved) for (const entry of r ? r.terms : []) postingIds.add(entry[0]);
      const bigramKeys = [];
      for (let i = 1; i < syls.length; i++) {
        if (!syls[i].joined) continue;
        const left = resolved[i - 1];
        const right = resolved[i];
        if (!left || !right) continue;
        // A prefix counts with its exact term only, if that exists.
        const a = syls[i - 1].prefix ? left.exact && left.exact[0] : syls[i - 1].term;
        const b = syls[i].prefix ? right.exact && right.exact[0] : syls[i].term;
        if (a && b) bigramKeys.push(`${a} ${b}`);
      }
      const shardCount = this.manifest.bigrams | 0;
      const bigramShards = shardCount > 0
        ? [...new Set(bigramKeys.map((k) => fnv1a(k) % shardCount))] : [];
      const [postingList, bigramList, { cells, cellOf }] = await Promise.all([
        Promise.all([...postingIds].map((id) =>
          unlessUnreachable(this._postingsOf(id), partial).then((p) => [id, p]))),
        Promise.all(bigramShards.map((i) =>
          unlessUnreachable(this._bigramShard(i), partial).then((s) => [i, s]))),
        cellsReady,
      ]);
      const postings = new Map(postingList.filter(([, p]) => p));
      const shards = new Map(bigramList);
      // Partial: a term without its postings is left out, and a syllable with none left
      // out too; the syllables not searched in full are reported, as typed.
      const unreachable = [];
      resolved.forEach((r, i) => {
        if (r) {
          const terms = r.terms.filter((entry) => postings.has(entry[0]));
          if (terms.length === r.terms.length) return;
          resolved[i] = terms.length ? { exact: terms.includes(r.exact) ? r.exact : null, terms }
            : null;
        }
        unreachable.push(syls[i].variant);
      });
      if (!resolved.some(Boolean)) return { ...empty(), unreachable };

      // 3. The match set: the intersection of the syllables' sets (a prefix: the union).
      const size = Math.ceil(this.n / 8);
      let match = null;
      for (const r of resolved) {
        if (!r) continue;
        let set;
        if (r.terms.length === 1) {
          set = postings.get(r.terms[0][0]).bitmap;
        } else {
          set = new Uint8Array(size);
          for (const entry of r.terms) {
            const bits = postings.get(entry[0]).bitmap;
            for (let i = 0; i < size; i++) set[i] |= bits[i];
          }
        }
        if (!match) {
          match = set.slice();
        } else {
          for (let i = 0; i < size; i++) match[i] &= set[i];
        }
      }
      const inMatch = (id) => id >= 0 && id < this.n && (match[id >> 3] >> (id & 7)) & 1;

      // 4. Counts from the cells (the range table, split by flags); the allowed matches.
      const perCell = new Int32Array(cells.length);
      const allowedCell = cells.map((cell) => this._passes(cell, filters, -1));
      const allowed = [];
      for (let byte = 0; byte < size; byte++) {
        let bits = match[byte];
        while (bits) {
          const low = bits & -bits;
          const id = byte * 8 + (31 - Math.clz32(low));
          bits ^= low;
          if (id >= this.n) continue;
          const c = cellOf[id];
          if (c < 0) continue;
          perCell[c]++;
          if (allowedCell[c]) allowed.push(id);
        }
      }
      const { counts, total } = this._count(cells, perCell, filters);
      if (!allowed.length) return { ids: [], total, counts, unreachable };

      // 5. Scores: the syllables' impacts, the bigrams', and an eighth more for an exact spelling.
      const scores = new Int32Array(this.n);
      syls.forEach((s, i) => {
        const r = resolved[i];
        if (!r) return;
        if (r.terms.length === 1) {
          const head = postings.get(r.terms[0][0]).head;
          for (let k = 0; k < head.ids.length; k++) {
            if (inMatch(head.ids[k])) scores[head.ids[k]] += head.impacts[k];
          }
        } else {
          const best = new Map();
          for (const entry of r.terms) {
            const head = postings.get(entry[0]).head;
            for (let k = 0; k < head.ids.length; k++) {
              const id = head.ids[k];
              if (head.impacts[k] > (best.get(id) || 0)) best.set(id, head.impacts[k]);
            }
          }
          for (const [id, impact] of best) if (inMatch(id)) scores[id] += impact;
        }
        // A bonus where the document writes the syllable as it was typed, marks or none.
        if (r.exact) {
          const variant = r.exact[2].indexOf(s.variant);
          if (variant >= 0) {
            const head = postings.get(r.exact[0]).head;
            for (let k = 0; k < head.ids.length; k++) {
              if (head.variants[k] === variant && inMatch(head.ids[k])) {
                scores[head.ids[k]] += head.impacts[k] >> 3;
              }
            }
          }
        }
      });
      for (const key of bigramKeys) {
        const head = shards.get(fnv1a(key) % shardCount)?.get(key);
        if (!head) continue;
        for (let k = 0; k < head.ids.length; k++) {
          if (inMatch(head.ids[k])) scores[head.ids[k]] += head.impacts[k];
        }
      }

      allowed.sort((a, b) => scores[b] - scores[a] || a - b);
      return { ids: allowed.slice(0, limit), total, counts, unreachable };
    }

    /** No syllable, some filter: the allowed cells' ids in id order. */
    _browse({ cells, cellOf }, filters, limit) {
      const { counts, total } = this._count(cells, cells.map((cell) => cell[1]), filters);
      const allowedCell = cells.map((cell) => this._passes(cell, filters, -1));
      const ids = [];
      for (let id = 0; id < this.n && ids.length < limit; id++) {
        const c = cellOf[id];
        if (c >= 0 && allowedCell[c]) ids.push(id);
      }
      return { ids, total, counts };
    }

    /**
     * The cards of `ids`, in their order: {url, title, place, field, year, kind, summary}.
     * With `options.partial`, null for a card whose file the network could not fetch.
     */
    async cards(ids, options = {}) {
      const size = this.cardSize;
      const list = Array.from(ids || [], Number);
      const valid = (id) => Number.isInteger(id) && id >= 0 && id < this.n && size > 0;
      const files = [...new Set(list.filter(valid).map((id) => Math.floor(id / size)))];
      const loaded = new Map(await Promise.all(files.map((i) =>
        unlessUnreachable(this._cardFile(i), Boolean(options?.partial)).then((cards) => [i, cards]))));
      return list.map((id) => {
        if (!valid(id)) return null;
        const card = loaded.get(Math.floor(id / size))?.[id % size];
        if (!card) return null;
        const [url, title, place, field, year, kind, summary] = card;
        return { url, title, place, field, year, kind, summary };
      });
    }

    /** The query's syllables as [{variant, term}], for highlighting. */
    terms(query) {
      return querySyllables(query, false).map(({ variant, term }) => ({ variant, term }));
    }
  }

  DvkIndex.fold = fold;
  DvkIndex.syllables = (text) => syllables(text).map(({ variant, term }) => ({ variant, term }));
  DvkIndex.fnv1a = fnv1a;
  DvkIndex.Unreachable = Unreachable;

  window.DvkIndex = DvkIndex;
})();
