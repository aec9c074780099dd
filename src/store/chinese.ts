import { KIND_PHRASES, TEMPLATES } from '../core/answerer.js';
import { type ChineseStore, ENGLISH_WORDS } from '../core/language.js';
import type { Knowledge } from '../core/types.js';
import { Reader, readThroughLowdb } from './validate.js';

/**
 * Reads the article's Chinese (data/zh.json) through lowdb and validates it against the article store: every
 * fact has a Chinese statement, every quote a rendering, every person a role, every organization and place a
 * name; every template and word the English side has is there, with the same slots. Errors name the field.
 */
export async function loadChinese(file: string, knowledge: Knowledge): Promise<ChineseStore> {
  return parseChinese(await readThroughLowdb(file), file, knowledge);
}

/** Validates parsed data/zh.json; `file` is only used in error messages. */
export function parseChinese(data: unknown, file: string, knowledge: Knowledge): ChineseStore {
  const r = new Reader(file);
  const root = r.object(data);
  /** An object of strings with exactly these keys (and, with `more`, any others). */
  const strings = (field: string, keys: readonly string[], more = false): Record<string, string> => {
    const at = r.child(field);
    const o = r.object(root[field], field);
    for (const key of keys) at.string(o, key);
    for (const [key, value] of Object.entries(o)) {
      if (!more && !keys.includes(key)) at.fail(key, 'is not one the bot uses');
      if (typeof value !== 'string') at.fail(key, 'must be a string');
    }
    return o as Record<string, string>;
  };
  /** Per id of `ids`, an object with these string fields. */
  const records = <K extends string>(
    field: string,
    ids: readonly string[],
    fields: readonly K[],
    optional: K[] = [],
  ) => {
    const at = r.child(field);
    const o = r.object(root[field], field);
    const out: Record<string, Record<K, string>> = {};
    for (const id of ids) {
      const record = at.object(o[id], id);
      const entry = {} as Record<K, string>;
      for (const f of fields) entry[f] = at.child(id).string(record, f);
      for (const f of optional) {
        const value = at.child(id).optionalString(record, f);
        if (value !== undefined) entry[f] = value;
      }
      out[id] = entry;
    }
    for (const id of Object.keys(o)) if (!ids.includes(id)) at.fail(id, 'names nothing in the article store');
    return out;
  };

  const gloss = strings('gloss', [], true);
  const choosing = r.strings(root, 'choosing');
  choosing.forEach((term, i) => {
    if (!(term in gloss)) r.child('choosing').fail(i, `is not a term of "gloss": ${term}`);
  });
  const templates = strings('templates', Object.keys(TEMPLATES));
  for (const [key, english] of Object.entries(TEMPLATES))
    sameSlots(r.child('templates'), key, english, templates[key]!);
  const words = strings('words', Object.keys(ENGLISH_WORDS)) as unknown as ChineseStore['words'];
  const kindPhrases = strings('kindPhrases', Object.keys(KIND_PHRASES)) as ChineseStore['kindPhrases'];
  const quotes = strings(
    'quotes',
    knowledge.quotes.map((q) => q.id),
  );
  const lists = r.object(root.lists, 'lists');
  const marks = r.strings(root, 'marks', 2);
  return {
    gloss,
    choosing,
    facts: records(
      'facts',
      knowledge.facts.map((f) => f.id),
      ['statement'],
      ['figure'],
    ),
    quotes,
    people: records(
      'people',
      knowledge.people.map((p) => p.id),
      ['role'],
    ),
    organizations: records(
      'organizations',
      knowledge.organizations.map((o) => o.id),
      ['name', 'description'],
    ),
    places: records(
      'places',
      knowledge.places.map((p) => p.id),
      ['name'],
    ),
    templates: templates as ChineseStore['templates'],
    words,
    kindPhrases,
    times: strings('times', ['now', 'this-year', 'last-year', 'next-year', 'past-year']),
    lists: {
      separator: r.child('lists').string(lists, 'separator'),
      and: r.child('lists').string(lists, 'and'),
      or: r.child('lists').string(lists, 'or'),
    },
    marks: [marks[0]!, marks[1]!],
  };
}

/**
 * A Chinese template has the slots its English one has, so no name or figure is dropped; the only one it may
 * add is the fact's statement before a sentence quoted from the article (English quotes the sentence alone).
 */
function sameSlots(at: Reader, key: string, english: string, chinese: string): void {
  const slots = (t: string) => new Set([...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!));
  const [wanted, given] = [slots(english), slots(chinese)];
  const extra = [...given].filter((s) => !wanted.has(s) && !(key === 'sentence' && s === 'statement'));
  const missing = [...wanted].filter((s) => !given.has(s));
  if (missing.length > 0 || extra.length > 0) {
    const list = (names: string[]) => names.map((n) => `{${n}}`).join(', ');
    at.fail(key, `must have the slots ${list([...wanted])}${extra.length ? ` and not ${list(extra)}` : ''}`);
  }
}
