import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Intent, IntentAnswer, Knowledge } from '../core/types.js';
import { DataFileError, Reader, readJsonFile } from './validate.js';

/** Fewest training utterances an intent file may have. */
export const MIN_UTTERANCES = 15;

const INTENT_NAME = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/;

/**
 * Loads every `*.json` file in `dir` as an intent and validates it against the knowledge store: the name is
 * domain-first (`linkedin.members`) and matches the file name, there are at least {@link MIN_UTTERANCES}
 * utterances, and every fact, quote and entity it names exists. Errors name the file and the field.
 */
export async function loadIntents(dir: string, knowledge: Knowledge): Promise<Intent[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  } catch (cause) {
    throw new DataFileError(dir, null, `cannot be listed (${(cause as Error).message})`, { cause });
  }
  if (names.length === 0) throw new DataFileError(dir, null, 'holds no intent files (*.json)');
  const intents: Intent[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    intents.push(parseIntent(await readJsonFile(file), file, knowledge));
  }
  return intents;
}

/** Validates one parsed intent file; `file` is used for messages and must be named `<intent>.json`. */
export function parseIntent(data: unknown, file: string, knowledge: Knowledge): Intent {
  const r = new Reader(file);
  const o = r.object(data);
  const name = r.string(o, 'intent');
  if (!INTENT_NAME.test(name)) r.fail('intent', 'must be domain-first and lowercase, like "linkedin.members"');
  if (path.basename(file) !== `${name}.json`) r.fail('intent', `must match the file name (expected ${name}.json)`);

  const facts = new Set(knowledge.facts.map((f) => f.id));
  const quotes = new Set(knowledge.quotes.map((q) => q.id));
  const entities = new Set([...knowledge.people, ...knowledge.organizations, ...knowledge.places].map((e) => e.id));

  const about = r.strings(o, 'about');
  about.forEach((id, i) => {
    if (!entities.has(id)) r.child('about').fail(i, `names no person, organization or place: ${id}`);
  });

  const at = r.child('answer');
  const a = r.object(o.answer, 'answer');
  const answer: IntentAnswer = {};
  const answerFacts = at.optionalStrings(a, 'facts');
  answerFacts?.forEach((id, i) => {
    if (!facts.has(id)) at.child('facts').fail(i, `names no fact in the article store: ${id}`);
  });
  const answerQuotes = at.optionalStrings(a, 'quotes');
  answerQuotes?.forEach((id, i) => {
    if (!quotes.has(id)) at.child('quotes').fail(i, `names no quote in the article store: ${id}`);
  });
  if (answerFacts) answer.facts = answerFacts;
  if (answerQuotes) answer.quotes = answerQuotes;
  const absent = at.optionalString(a, 'absent');
  if (absent) {
    if (!answerFacts?.length) at.fail('absent', 'needs facts: the nearest things the article does say');
    answer.absent = absent;
  }
  const text = at.optionalString(a, 'text');
  if (text) answer.text = text;
  if (a.list !== undefined) answer.list = at.oneOf(a, 'list', ['people', 'organizations', 'places'] as const);
  if (a.fallback !== undefined) {
    if (a.fallback !== true) at.fail('fallback', 'must be true when present');
    answer.fallback = true;
  }
  const kinds = [answer.facts?.length || answer.quotes?.length, answer.text, answer.list, answer.fallback].filter(
    Boolean,
  );
  if (kinds.length !== 1) {
    r.fail('answer', 'must have exactly one of: facts and/or quotes, text, list, fallback');
  }

  const intent: Intent = {
    intent: name,
    description: r.string(o, 'description'),
    about,
    answer,
    utterances: r.strings(o, 'utterances', MIN_UTTERANCES),
  };
  const aspect = r.optionalString(o, 'aspect');
  if (aspect) intent.aspect = aspect;
  const suggestions = r.optionalStrings(o, 'suggestions');
  if (suggestions) intent.suggestions = suggestions;
  if (o.zh !== undefined) intent.zh = parseChinese(r, o, intent);
  return intent;
}

/** Fewest Chinese training utterances an intent with a "zh" part may have. */
export const MIN_CHINESE_UTTERANCES = 10;

/**
 * An intent's "zh": its Chinese utterances (each with a Han character: a question without one is read as
 * English), suggestions as many as the English ones, and a fixed text and an "absent" exactly when the English
 * has them.
 */
function parseChinese(r: Reader, o: Record<string, unknown>, intent: Intent): NonNullable<Intent['zh']> {
  const at = r.child('zh');
  const zh = r.object(o.zh, 'zh');
  const utterances = at.strings(zh, 'utterances', MIN_CHINESE_UTTERANCES);
  utterances.forEach((u, i) => {
    if (!/\p{Script=Han}/u.test(u))
      at.child('utterances').fail(i, 'has no Chinese character, so it would be read as English');
  });
  const out: NonNullable<Intent['zh']> = { utterances };
  const suggestions = at.optionalStrings(zh, 'suggestions') ?? [];
  if (suggestions.length !== (intent.suggestions?.length ?? 0))
    at.fail('suggestions', `must be as many as the English suggestions (${intent.suggestions?.length ?? 0})`);
  if (suggestions.length > 0) out.suggestions = suggestions;
  const text = at.optionalString(zh, 'text');
  if (Boolean(text) !== Boolean(intent.answer.text)) at.fail('text', 'must be given exactly when answer.text is');
  if (text) out.text = text;
  const absent = at.optionalString(zh, 'absent');
  if (Boolean(absent) !== Boolean(intent.answer.absent))
    at.fail('absent', 'must be given exactly when answer.absent is');
  if (absent) out.absent = absent;
  return out;
}
