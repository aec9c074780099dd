import { isChinese } from '../../src/core/chinese.js';
import { Recognizer, type RecognizerOptions } from '../../src/core/recognizer.js';
import { Engine } from '../../src/core/respond.js';
import { emptyState, type Intent, type Knowledge, type Lexicon } from '../../src/core/types.js';
import { DataFileError, Reader, readJsonFile } from '../../src/store/validate.js';

/** One labelled question: the intent that should answer it (null: out of scope) and words the answer must contain. */
export interface LabelledQuestion {
  q: string;
  intent: string | null;
  expect: string[];
}

/** Loads a question set (test/fixtures/heldout.json or dev.json), checking every intent name exists. */
export async function loadQuestionSet(file: string, intents: readonly Intent[]): Promise<LabelledQuestion[]> {
  const names = new Set(intents.map((i) => i.intent));
  const data = await readJsonFile(file);
  if (!Array.isArray(data)) throw new DataFileError(file, null, 'must be a JSON array');
  const r = new Reader(file);
  return data.map((value, i) => {
    const at = r.child(i);
    const o = at.object(value);
    const intent = o.intent === null ? null : at.string(o, 'intent');
    if (intent !== null && !names.has(intent)) at.fail('intent', `names no intent: ${intent}`);
    return { q: at.string(o, 'q'), intent, expect: at.strings(o, 'expect') };
  });
}

/** Per-question outcome, as the whole engine (recognizer, follow-up resolution, answerer) handles it. */
export interface Outcome {
  question: LabelledQuestion;
  /** The intent answered, or null for a fallback. */
  got: string | null;
  /** Right intent and every expected word in the answer (in scope), or a fallback (out of scope). */
  correct: boolean;
  missingWords: string[];
}

export interface Scores {
  inScope: { correct: number; total: number; accuracy: number };
  outOfScope: { rejected: number; total: number; rejection: number };
  outcomes: Outcome[];
}

/**
 * Asks each question of a fresh conversation and scores the replies. A question that needs a conversation ("what
 * is her job?") is answered right by asking who is meant, when one of the questions offered is answered by its intent.
 */
export function scoreEngine(engine: Engine, questions: readonly LabelledQuestion[]): Scores {
  const outcomes = questions.map((question): Outcome => {
    const { reply } = engine.respond(question.q);
    const text = reply.text.toLowerCase();
    const missingWords = reply.fallback ? [] : question.expect.filter((w) => !text.includes(w.toLowerCase()));
    const clarified =
      reply.fallback &&
      reply.text.startsWith('Who do you mean') &&
      reply.suggestions.some((s) => engine.respond(s).reply.intent === question.intent);
    const correct =
      question.intent === null
        ? reply.fallback
        : (reply.intent === question.intent && missingWords.length === 0) || clarified;
    return { question, got: clarified ? question.intent : reply.fallback ? null : reply.intent, correct, missingWords };
  });
  return summarize(outcomes);
}

/** The intent a training utterance should be answered as: null for intents that say the article does not answer. */
function expectedIntent(intent: Intent): string | null {
  return intent.answer.fallback || intent.answer.absent ? null : intent.intent;
}

function summarize(outcomes: Outcome[]): Scores {
  const inScope = outcomes.filter((o) => o.question.intent !== null);
  const outOfScope = outcomes.filter((o) => o.question.intent === null);
  const inCorrect = inScope.filter((o) => o.correct).length;
  const rejected = outOfScope.filter((o) => o.correct).length;
  return {
    inScope: { correct: inCorrect, total: inScope.length, accuracy: ratio(inCorrect, inScope.length) },
    outOfScope: { rejected, total: outOfScope.length, rejection: ratio(rejected, outOfScope.length) },
    outcomes,
  };
}

export interface IntentStats {
  intent: string;
  precision: number;
  recall: number;
  support: number;
}

/** Precision and recall per intent, with out of scope as the label "(out of scope)". */
export function perIntent(outcomes: readonly Outcome[]): IntentStats[] {
  const label = (x: string | null) => x ?? '(out of scope)';
  const labels = new Set(outcomes.flatMap((o) => [label(o.question.intent), label(o.got)]));
  return [...labels].sort().map((intent) => {
    const predicted = outcomes.filter((o) => label(o.got) === intent);
    const actual = outcomes.filter((o) => label(o.question.intent) === intent);
    const hits = actual.filter((o) => label(o.got) === intent).length;
    return {
      intent,
      precision: ratio(hits, predicted.length),
      recall: ratio(hits, actual.length),
      support: actual.length,
    };
  });
}

/** The most frequent (expected, got) pairs among wrong intents. */
export function confusedPairs(
  outcomes: readonly Outcome[],
  limit = 10,
): { expected: string; got: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const o of outcomes) {
    if (o.got === o.question.intent) continue;
    const key = `${o.question.intent ?? '(out of scope)'}\u0000${o.got ?? '(out of scope)'}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, count]) => {
      const [expected, got] = key.split('\u0000') as [string, string];
      return { expected, got, count };
    });
}

/**
 * k-fold cross-validation over the intents' own utterances: each fold trains on the other folds and asks
 * the held-back utterances. Utterances of out-of-scope intents must come back as fallbacks.
 */
export function crossValidate(
  intents: readonly Intent[],
  knowledge: Knowledge,
  lexicon: Lexicon,
  options: RecognizerOptions,
  folds = 5,
): Scores {
  const outcomes: Outcome[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const train = intents.map((i) => ({ ...i, utterances: i.utterances.filter((_, n) => n % folds !== fold) }));
    const engine = new Engine({ knowledge, intents, recognizer: Recognizer.train(train, knowledge, lexicon, options) });
    const questions = intents.flatMap((i) =>
      i.utterances.filter((_, n) => n % folds === fold).map((q) => ({ q, intent: expectedIntent(i), expect: [] })),
    );
    outcomes.push(...scoreEngine(engine, questions).outcomes);
  }
  return summarize(outcomes);
}

/** Training utterances the bot, trained on all of them, answers as another intent than their own (or not at all). */
export function misrecognizedTraining(engine: Engine, intents: readonly Intent[]): Outcome[] {
  const questions = intents.flatMap((i) => i.utterances.map((q) => ({ q, intent: expectedIntent(i), expect: [] })));
  return scoreEngine(engine, questions).outcomes.filter((o) => o.got !== o.question.intent);
}

/** What an answer must contain: each item a word or phrase, or a list of alternatives of which one will do. */
export type Expectation = (string | string[])[];

/** A question set scored by what the answers say, not by intent names (test/fixtures/*-fresh.json). */
export interface AnswerSet {
  inScope: { q: string; expect: Expectation; kind: string }[];
  outOfScope: { q: string; kind: string }[];
  conversations: { turns: ({ q: string; expect: Expectation } | { q: string; fallback: true })[] }[];
}

/** Loads an answer set, checking its shape. */
export async function loadAnswerSet(file: string): Promise<AnswerSet> {
  const r = new Reader(file);
  const root = r.object(await readJsonFile(file));
  const expectation = (o: Record<string, unknown>, at: Reader): Expectation =>
    at.array(o, 'expect', 1).map((item, i) => {
      const items = at.child('expect');
      return Array.isArray(item) ? items.strings({ [i]: item }, String(i), 1) : items.string({ [i]: item }, String(i));
    });
  return {
    inScope: r.array(root, 'inScope', 1).map((value, i) => {
      const at = r.child('inScope').child(i);
      const o = at.object(value);
      return { q: at.string(o, 'q'), expect: expectation(o, at), kind: at.string(o, 'kind') };
    }),
    outOfScope: r.array(root, 'outOfScope', 1).map((value, i) => {
      const at = r.child('outOfScope').child(i);
      const o = at.object(value);
      return { q: at.string(o, 'q'), kind: at.string(o, 'kind') };
    }),
    conversations: r.array(root, 'conversations').map((value, i) => {
      const at = r.child('conversations').child(i);
      const turns = at.array(at.object(value), 'turns', 1).map((t, k) => {
        const tat = at.child('turns').child(k);
        const o = tat.object(t);
        const q = tat.string(o, 'q');
        return o.fallback === true ? { q, fallback: true as const } : { q, expect: expectation(o, tat) };
      });
      return { turns };
    }),
  };
}

/** Whether a reply's text holds every expected item (one of the alternatives, for a list). */
export function meetsExpectation(text: string, expect: Expectation): boolean {
  const lower = text.toLowerCase();
  // Chinese is written with or without spaces around figures and Latin names ("3 亿", "3亿"): they do not count.
  const unspaced = lower.replace(/\s+/g, '');
  const holds = (w: string) =>
    isChinese(w) ? unspaced.includes(w.toLowerCase().replace(/\s+/g, '')) : lower.includes(w.toLowerCase());
  return expect.every((item) => (Array.isArray(item) ? item : [item]).some(holds));
}

export interface AnswerOutcome {
  q: string;
  kind: string;
  correct: boolean;
  /** What the bot said: its intent, or "(fallback)". */
  got: string;
  text: string;
}

export interface AnswerScores {
  inScope: AnswerOutcome[];
  outOfScope: AnswerOutcome[];
  /** Turns after the first of each conversation. */
  followUps: AnswerOutcome[];
  firstTurns: AnswerOutcome[];
}

/**
 * Asks an answer set: single questions each in a new conversation, conversations turn by turn. An in-scope
 * answer is right when it is not a fallback and holds what is expected; an out-of-scope one when it is a
 * fallback (an honest partial answer is one).
 */
export function scoreAnswers(engine: Engine, set: AnswerSet): AnswerScores {
  const ask = (q: string, kind: string, shouldAnswer: Expectation | null, state = emptyState()) => {
    const turn = engine.respond(q, state);
    const { reply } = turn;
    // A question asked in Chinese is answered right only in Chinese, whatever the words it holds.
    const inItsLanguage = reply.lang === (isChinese(q) ? 'zh' : 'en');
    const correct =
      inItsLanguage &&
      (shouldAnswer === null ? reply.fallback : !reply.fallback && meetsExpectation(reply.text, shouldAnswer));
    const got = reply.fallback ? '(fallback)' : (reply.intent ?? '(none)');
    return { outcome: { q, kind, correct, got, text: reply.text }, state: turn.state };
  };
  const followUps: AnswerOutcome[] = [];
  const firstTurns: AnswerOutcome[] = [];
  for (const c of set.conversations) {
    let state = emptyState();
    c.turns.forEach((t, k) => {
      const result = ask(t.q, k === 0 ? 'first' : 'follow-up', 'fallback' in t ? null : t.expect, state);
      state = result.state;
      (k === 0 ? firstTurns : followUps).push(result.outcome);
    });
  }
  return {
    inScope: set.inScope.map((q) => ask(q.q, q.kind, q.expect).outcome),
    outOfScope: set.outOfScope.map((q) => ask(q.q, q.kind, null).outcome),
    followUps,
    firstTurns,
  };
}

/** Share of outcomes that are correct. */
export function accuracy(outcomes: readonly { correct: boolean }[]): number {
  return ratio(outcomes.filter((o) => o.correct).length, outcomes.length);
}

/** One example of a labelled intent data set: `intent` null for an out-of-scope example. */
export interface Example {
  text: string;
  intent: string | null;
}

/** Loads a JSON list of `{ "text": "...", "intent": "name" | null }`, as `--train` and `--test` take. */
export async function loadExamples(file: string): Promise<Example[]> {
  const data = await readJsonFile(file);
  if (!Array.isArray(data)) throw new DataFileError(file, null, 'must be a JSON list of {"text", "intent"} objects');
  const r = new Reader(file);
  return data.map((value, i) => {
    const at = r.child(i);
    const o = at.object(value);
    if (o.intent !== null && typeof o.intent !== 'string')
      at.fail('intent', 'must be an intent name or null (out of scope)');
    return { text: at.string(o, 'text'), intent: o.intent === null ? null : at.string(o, 'intent') };
  });
}

/** Name of the intent the out-of-scope examples of a data set are trained as. */
export const OUT_OF_SCOPE = '(out of scope)';

/** The examples as intents to train on: one per label, the out-of-scope examples as a fallback intent. */
export function intentsOf(examples: readonly Example[]): Pick<Intent, 'intent' | 'utterances' | 'answer'>[] {
  const byLabel = new Map<string, string[]>();
  for (const e of examples) {
    const label = e.intent ?? OUT_OF_SCOPE;
    byLabel.set(label, [...(byLabel.get(label) ?? []), e.text]);
  }
  return [...byLabel].map(([intent, utterances]) => ({
    intent,
    utterances,
    answer: intent === OUT_OF_SCOPE ? { fallback: true } : { text: intent },
  }));
}

/** The figures `rasa test nlu` and the intent-classification literature report. */
export interface ClassificationScores {
  /** Share of test items whose predicted intent (null for a rejection) equals the expected one. */
  accuracy: number;
  /** The same, over the in-scope items. */
  inScopeAccuracy: number;
  /** Share of out-of-scope items rejected; null when the test set has none. */
  outOfScopeRejection: number | null;
  /** Mean F1 over the labels (out of scope counted as one label). */
  macroF1: number;
  n: number;
}

/** Scores predictions against the expected intents. */
export function classificationScores(
  expected: readonly (string | null)[],
  predicted: readonly (string | null)[],
): ClassificationScores {
  const n = expected.length;
  const right = expected.filter((e, i) => predicted[i] === e).length;
  const inScope = expected.map((e, i) => ({ e, p: predicted[i] })).filter((x) => x.e !== null);
  const outOfScope = expected.map((e, i) => ({ e, p: predicted[i] })).filter((x) => x.e === null);
  const labels = new Set([...expected, ...predicted].map((x) => x ?? OUT_OF_SCOPE));
  let f1 = 0;
  for (const label of labels) {
    const is = (x: string | null | undefined) => (x ?? OUT_OF_SCOPE) === label;
    const tp = expected.filter((e, i) => is(e) && is(predicted[i])).length;
    const fp = expected.filter((e, i) => !is(e) && is(predicted[i])).length;
    const fn = expected.filter((e, i) => is(e) && !is(predicted[i])).length;
    f1 += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return {
    accuracy: ratio(right, n),
    inScopeAccuracy: ratio(inScope.filter((x) => x.p === x.e).length, inScope.length),
    outOfScopeRejection:
      outOfScope.length === 0 ? null : ratio(outOfScope.filter((x) => x.p === null).length, outOfScope.length),
    macroF1: labels.size === 0 ? 0 : f1 / labels.size,
    n,
  };
}

function ratio(a: number, b: number): number {
  return b === 0 ? 1 : a / b;
}

/** A way people word a question otherwise, applied by a script: no new questions are written. */
export interface Rewording {
  name: string;
  reword: (q: string) => string;
}

const lowerFirst = (q: string) => q.charAt(0).toLowerCase() + q.slice(1);
const withoutMark = (q: string) => q.replace(/[?.!]+$/, '');

/**
 * One typo in one word of five letters or more: a letter dropped, two swapped, one doubled or one replaced,
 * chosen from the question's own text (the same question gets the same typo in every run).
 */
export function withTypo(q: string): string {
  let seed = [...q].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) | 0, 7);
  const next = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed % n;
  };
  const words = q.split(' ');
  const long = words.flatMap((w, i) => (/^[a-z]{5,}$/i.test(w) ? [i] : []));
  if (long.length === 0) return q;
  const at = long[next(long.length)]!;
  const w = words[at]!;
  const i = 1 + next(w.length - 2);
  const edits = [
    () => w.slice(0, i) + w.slice(i + 1),
    () => w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2),
    () => w.slice(0, i) + w[i] + w.slice(i),
    () => w.slice(0, i) + 'etaoinshrdlu'[next(12)] + w.slice(i + 1),
  ];
  words[at] = edits[next(edits.length)]!();
  return words.join(' ');
}

export const REWORDINGS: readonly Rewording[] = [
  { name: 'as written', reword: (q) => q },
  { name: 'lowercase, no punctuation', reword: (q) => q.toLowerCase().replace(/[?.!,]/g, '') },
  { name: 'one typo', reword: withTypo },
  {
    name: '"Hi! I was wondering if you could tell me: … Thanks so much!"',
    reword: (q) => `Hi! I was wondering if you could tell me: ${lowerFirst(q)} Thanks so much!`,
  },
  {
    name: '"Sorry to bother you, but could you please tell me …? I\'d really appreciate it."',
    reword: (q) =>
      `Sorry to bother you, but could you please tell me ${withoutMark(lowerFirst(q))}? I'd really appreciate it.`,
  },
  { name: '"Hey, quick question - …"', reword: (q) => `Hey, quick question - ${lowerFirst(q)}` },
  { name: '"According to the article, …"', reword: (q) => `According to the article, ${lowerFirst(q)}` },
  { name: '"…, according to the story?"', reword: (q) => `${withoutMark(q)}, according to the story?` },
  {
    name: '"I\'m reading about this story and I\'m curious. …"',
    reword: (q) => `I'm reading about this story and I'm curious. ${q}`,
  },
];

/** Kinds of in-scope question that a rewording keeps the sense of (a typo in a quote's words may not). */
const REWORDABLE = new Set(['plain', 'synonym', 'keywords']);

/** Per rewording, how many plain, synonym and keyword questions are still answered, and out-of-scope ones rejected. */
export function scoreRewordings(
  engine: Engine,
  set: AnswerSet,
): { name: string; inScope: AnswerOutcome[]; outOfScope: AnswerOutcome[] }[] {
  const questions = set.inScope.filter((q) => REWORDABLE.has(q.kind));
  return REWORDINGS.map(({ name, reword }) => {
    const scores = scoreAnswers(engine, {
      inScope: questions.map((q) => ({ ...q, q: reword(q.q) })),
      outOfScope: set.outOfScope.map((q) => ({ ...q, q: reword(q.q) })),
      conversations: [],
    });
    return { name, inScope: scores.inScope, outOfScope: scores.outOfScope };
  });
}
