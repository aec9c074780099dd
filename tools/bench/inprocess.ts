/** In-process figures: respond() latency, the classifier alone, training and data loading. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import porterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { type Bot, loadBot, writePreparedBot } from '../../src/bot.js';
import { PROJECT_ROOT } from '../../src/config.js';
import { BayesScorer, observationOrder } from '../../src/core/bayes.js';
import { DEFAULT_OPTIONS, Recognizer, trainQuickly } from '../../src/core/recognizer.js';
import { Engine } from '../../src/core/respond.js';
import { type Figure, figure, quantile, ratios, summarize } from './measure.js';

export interface InProcessOptions {
  /** Rounds of each measurement; medians are taken over rounds. */
  rounds: number;
  /** Passes over the question set per round of respond() timing. */
  passes: number;
}

const SECTION = 'in process';
/** What the recognizer keeps of a long question (its MAX_FEATURES). */
const MAX_FEATURES = 32;

/** Runs every in-process measurement on `bot`, asking `questions` (the held-out set). */
export async function benchInProcess(
  bot: Bot,
  questions: readonly string[],
  options: InProcessOptions,
  chinese: readonly string[] = [],
): Promise<Figure[]> {
  return [
    ...respondLatency(bot, questions, options),
    ...(chinese.length > 0 ? respondLatency(bot, chinese, options, 'in Chinese') : []),
    firstPass(bot, questions, options),
    classifierAlone(bot, questions, options),
    training(bot, options),
    await loading(options),
  ];
}

/** respond() latency over the question set, each question a new conversation: p50 and p99 per round. */
function respondLatency(
  bot: Bot,
  questions: readonly string[],
  { rounds, passes }: InProcessOptions,
  language = '',
): Figure[] {
  for (let i = 0; i < 20; i++) for (const q of questions) bot.engine.respond(q);
  const p50: number[] = [];
  const p99: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const samples: number[] = [];
    for (let p = 0; p < passes; p++) {
      for (const q of questions) {
        const start = process.hrtime.bigint();
        bot.engine.respond(q);
        samples.push(Number(process.hrtime.bigint() - start) / 1000);
      }
    }
    samples.sort((a, b) => a - b);
    p50.push(quantile(samples, 0.5));
    p99.push(quantile(samples, 0.99));
  }
  const note = `${questions.length} held-out questions${language ? ` ${language}` : ''} x ${passes} passes per round`;
  const suffix = language ? `, ${language}` : '';
  return [
    figure({
      section: SECTION,
      name: `respond() p50${suffix}`,
      unit: 'µs',
      value: summarize(p50),
      target: { on: 'value', direction: 'at-most', limit: 50 },
      note,
    }),
    figure({
      section: SECTION,
      name: `respond() p99${suffix}`,
      unit: 'µs',
      value: summarize(p99),
      target: { on: 'value', direction: 'at-most', limit: 500 },
      note,
    }),
  ];
}

/**
 * respond() p99 over one pass of the questions on a freshly trained recognizer: typos not corrected before
 * are corrected now, not remembered, as for questions a server has not seen yet.
 */
function firstPass(bot: Bot, questions: readonly string[], { rounds }: InProcessOptions): Figure {
  const p99: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const recognizer = Recognizer.train(bot.intents, bot.knowledge, bot.lexicon, bot.recognizer.options);
    const engine = new Engine({ knowledge: bot.knowledge, intents: bot.intents, recognizer });
    const samples: number[] = [];
    for (const q of questions) {
      const start = process.hrtime.bigint();
      engine.respond(q);
      samples.push(Number(process.hrtime.bigint() - start) / 1000);
    }
    p99.push(
      quantile(
        samples.sort((a, b) => a - b),
        0.99,
      ),
    );
  }
  return figure({
    section: SECTION,
    name: 'respond() p99, first pass',
    unit: 'µs',
    value: summarize(p99),
    note: `one pass over ${questions.length} held-out questions on a freshly trained recognizer (spelling corrections not yet remembered)`,
  });
}

/**
 * The classifier alone, per question, on features already extracted: the bot's scorer (B) against natural's
 * own getClassifications() (A) on a natural classifier trained the same way, in turn A B A B.
 */
function classifierAlone(bot: Bot, questions: readonly string[], { rounds, passes }: InProcessOptions): Figure {
  const natural = new BayesClassifier(porterStemmer, bot.recognizer.options.smoothing);
  for (const intent of bot.intents) {
    for (const u of intent.utterances) {
      const { features } = bot.recognizer.analyze(u);
      if (features.length > 0) natural.addDocument(features, intent.intent);
    }
  }
  trainQuickly(natural);
  const featureIndex = new Map(Object.keys(natural.features).map((f, i) => [f, i]));
  const scorer = new BayesScorer(natural.classifier, featureIndex.size);

  const observations = questions
    .map((q) => observationOrder(bot.recognizer.analyze(q).features, featureIndex, MAX_FEATURES))
    .filter((indices) => indices.length > 0);
  // natural takes an object of feature -> index and walks it with for...in: the same features, same order.
  const objects = observations.map((indices) => {
    const o: Record<string, number> = {};
    for (const [k, index] of indices.entries()) o[`f${k}`] = index;
    return o;
  });
  let sink = 0;
  const timeNatural = () => {
    const start = performance.now();
    for (let p = 0; p < passes; p++) for (const o of objects) sink += natural.classifier.getClassifications(o).length;
    return ((performance.now() - start) * 1000) / (passes * objects.length);
  };
  const timeScorer = () => {
    const start = performance.now();
    for (let p = 0; p < passes; p++) for (const indices of observations) sink += scorer.classify(indices, 5).top.length;
    return ((performance.now() - start) * 1000) / (passes * observations.length);
  };
  timeNatural();
  timeScorer();
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    a.push(timeNatural());
    b.push(timeScorer());
  }
  if (sink < 0) throw new Error('unreachable');
  return figure({
    section: SECTION,
    name: 'classifier alone, per question',
    unit: 'µs',
    value: summarize(b),
    baseline: { name: "natural's getClassifications()", value: summarize(a) },
    ratio: ratios(b, a),
    note: `${observations.length} held-out questions' features; ratio below 1 is faster than natural`,
  });
}

/** Recognizer.train() on every intent, as the server does at each start. */
function training(bot: Bot, { rounds }: InProcessOptions): Figure {
  const runs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    Recognizer.train(bot.intents, bot.knowledge, bot.lexicon, bot.recognizer.options);
    runs.push(performance.now() - start);
  }
  return figure({
    section: SECTION,
    name: 'training',
    unit: 'ms',
    value: summarize(runs),
    note: 'Recognizer.train(), all intents',
  });
}

/**
 * `loadBot()` as a start runs it, from the prepared bot `npm run build` writes (written here by this code to a file
 * of its own, since its key covers the code that reads it), against `loadBot()` training, in turn.
 */
async function loading({ rounds }: InProcessOptions): Promise<Figure> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-prepared-'));
  try {
    const file = path.join(dir, 'prepared-bot.json');
    await writePreparedBot(PROJECT_ROOT, file);
    const prepared: number[] = [];
    const trained: number[] = [];
    for (let r = 0; r < rounds; r++) {
      let start = performance.now();
      await loadBot(PROJECT_ROOT, DEFAULT_OPTIONS, path.join(dir, 'none.json'));
      trained.push(performance.now() - start);
      start = performance.now();
      const bot = await loadBot(PROJECT_ROOT, DEFAULT_OPTIONS, file);
      prepared.push(performance.now() - start);
      if (bot.preparation !== 'used') throw new Error(`the prepared bot was not used: ${bot.preparation}`);
    }
    return figure({
      section: SECTION,
      name: 'loadBot() from the prepared bot',
      unit: 'ms',
      value: summarize(prepared),
      baseline: { name: 'loadBot() training', value: summarize(trained) },
      ratio: ratios(prepared, trained),
      note: 'data, intents, word list and both recognizers; in one process, so warmer than a start',
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
