// The site's file formats for Decap CMS, and the editor's start.
//
// Decap's own formats write a whole file anew on every save: comments go, keys are
// reordered, quoting and line breaks change. These keep the file as it was read and
// replace only the lines of the fields the form changed (the `yaml` library gives each
// field's place in the text). A new file gets `dvk new`'s key order and schema line.
import { isMap, parseDocument, stringify } from "./yaml/index.js";

// The file as it was read, kept in the entry's data for the save; never written.
const SOURCE = "__dvk_source";
const FRONT_MATTER = /^---\r?\n([\s\S]*?\r?\n)?---[ \t]*(?:\r?\n|$)([\s\S]*)$/;

export const FORMATS = {
  "dvk-frontmatter": {
    extension: "md",
    frontMatter: true,
    modeline: "# yaml-language-server: $schema=../../../schema/entry.schema.json",
    keepNull: [],
  },
  "dvk-yaml": {
    extension: "yml",
    frontMatter: false,
    modeline: "# yaml-language-server: $schema=../../schema/press.schema.json",
    // Required, and null when the article does not say: written `null`, never left out.
    keepNull: ["outlet", "url"],
  },
};
const YEAR = /^\d{4}$/;

function isEmpty(value) {
  return value === undefined || value === null || value === "" ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0);
}

// What the form holds, as the file should say it: empty fields and items left out,
// text trimmed, a four-digit `started` a number (as `dvk new` writes a year).
export function cleaned(value, key = "") {
  if (Array.isArray(value)) {
    return value.map((item) => cleaned(item)).filter((item) => !isEmpty(item));
  }
  if (value && typeof value === "object") {
    const kept = {};
    for (const [name, item] of Object.entries(value)) {
      const clean = cleaned(item, name);
      if (!isEmpty(clean)) kept[name] = clean;
    }
    return kept;
  }
  if (typeof value === "string") {
    const text = value.trim();
    return key === "started" && YEAR.test(text) ? Number(text) : text;
  }
  return value;
}

function lineStart(text, at) {
  return text.lastIndexOf("\n", at - 1) + 1;
}

function lineEnd(text, at) {
  const next = text.indexOf("\n", at);
  return next < 0 ? text.length : next + 1;
}

// One field as YAML lines, in the files' style: two-space indents, no folding.
function lines(key, value) {
  return stringify({ [key]: value }, { lineWidth: 0, indentSeq: true });
}

// Each field of a YAML mapping's text: where its lines start and end.
function fieldsOf(text) {
  const doc = parseDocument(text);
  if (!isMap(doc.contents)) return null;
  return {
    values: doc.toJS() || {},
    places: doc.contents.items.map((pair) => {
      const last = pair.value && pair.value.range ? pair.value.range[1] : pair.key.range[1];
      return { key: String(pair.key.value), start: lineStart(text, pair.key.range[0]),
               end: lineEnd(text, Math.max(last - 1, pair.key.range[0])) };
    }),
  };
}

// The text with the form's values: changed fields' lines replaced, emptied ones
// removed, new ones inserted after the field that precedes them in the form.
export function edited(text, data, order, format) {
  const found = fieldsOf(text);
  if (found === null) return null;
  const { values, places } = found;
  const keys = [...new Set([...order, ...Object.keys(data), ...Object.keys(values)])]
    .filter((key) => key !== "body" && key !== SOURCE);
  const changes = [];
  for (const key of keys) {
    let value = cleaned(data[key], key);
    if (isEmpty(value) && format.keepNull.includes(key)) value = null;
    const place = places.find((p) => p.key === key);
    if (isEmpty(value) && value !== null) {
      if (place) changes.push({ start: place.start, end: place.end, text: "" });
    } else if (place) {
      if (JSON.stringify(values[key]) !== JSON.stringify(value)) {
        changes.push({ start: place.start, end: place.end, text: lines(key, value) });
      }
    } else {
      const rank = order.indexOf(key);
      const before = places.filter((p) => order.indexOf(p.key) >= 0 && order.indexOf(p.key) < rank);
      const at = before.length ? before[before.length - 1].end
        : (places.length ? places[0].start : text.length);
      changes.push({ start: at, end: at, text: lines(key, value) });
    }
  }
  changes.sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const change of changes) out = out.slice(0, change.start) + change.text + out.slice(change.end);
  return out;
}

function fresh(data, order, format) {
  const keys = [...new Set([...order, ...Object.keys(data)])]
    .filter((key) => key !== "body" && key !== SOURCE);
  let text = `${format.modeline}\n`;
  for (const key of keys) {
    let value = cleaned(data[key], key);
    if (isEmpty(value) && format.keepNull.includes(key)) value = null;
    if (!isEmpty(value) || value === null) text += lines(key, value);
  }
  return text;
}

function split(text, frontMatter) {
  if (!frontMatter) return { front: text, body: null };
  const match = FRONT_MATTER.exec(text);
  return match ? { front: match[1] || "", body: match[2] } : { front: "", body: text };
}

export function toText(data, order, format) {
  const source = data[SOURCE];
  const read = typeof source === "string" ? split(source, format.frontMatter) : null;
  const front = (read && edited(read.front, data, order, format)) || fresh(data, order, format);
  if (!format.frontMatter) return front;
  const body = typeof data.body === "string" ? data.body : "";
  // The body as it was when the form did not change it: Decap may trim its end.
  const kept = read && read.body.trim() === body.trim() ? read.body : body;
  return `---\n${front}---\n${kept && !kept.endsWith("\n") ? `${kept}\n` : kept}`;
}

export function fromText(text, format) {
  const read = split(text, format.frontMatter);
  const data = parseDocument(read.front).toJS() || {};
  if (format.frontMatter) data.body = read.body;
  data[SOURCE] = text;
  return data;
}

// Phrases Decap's Vietnamese locale lacks, which it would show in English ("Add …").
const MISSING_VIETNAMESE = {
  editor: {
    editorWidgets: {
      list: { add: "Thêm %{item}", addType: "Thêm %{item}" },
      object: { expand: "Mở ra", collapse: "Thu gọn" },
    },
  },
};

// ``phrases`` with what ``missing`` has and they lack; theirs are kept.
export function completed(phrases, missing) {
  const out = { ...phrases };
  for (const [key, value] of Object.entries(missing)) {
    if (value && typeof value === "object") out[key] = completed(out[key] || {}, value);
    else if (!(key in out)) out[key] = value;
  }
  return out;
}

function start(CMS) {
  const vietnamese = CMS.getLocale("vi");
  if (vietnamese) CMS.registerLocale("vi", completed(vietnamese, MISSING_VIETNAMESE));
  for (const [name, format] of Object.entries(FORMATS)) {
    CMS.registerCustomFormat(name, format.extension, {
      fromFile: (text) => fromText(text, format),
      toFile: (data, order = []) => toText(data, order, format),
    });
  }
  const repo = document.querySelector('meta[name="dvk-repo"]');
  CMS.init({ config: repo && repo.content ? { backend: { repo: repo.content } } : {} });
}

if (typeof window !== "undefined" && window.CMS) start(window.CMS);
