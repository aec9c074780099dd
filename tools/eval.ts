/**
 * `npm run eval`: answer quality.
 *
 *   npm run eval                              the held-out sets, English and Chinese (never used for training or
 *                                             tuning), 5-fold
 *                                             cross-validation over intents/, and the training utterances the
 *                                             bot answers as another intent
 *   npm run eval -- --set dev                 the same on the development sets, which settings are tuned on
 *   npm run eval -- --sweep                   compare recognizer settings on cross-validation and the dev sets
 *   npm run eval -- --rewordings [--set dev]  the set's questions reworded by a script (politeness, typos, case)
 *   npm run eval -- --train F --test F [--json]
 *                                             train the same recognizer on any labelled data and score a test
 *                                             list: JSON lists of {"text", "intent"} ("intent": null for an
 *                                             out-of-scope example); no article needed
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadBot, loadLexicon } from '../src/bot.js';
import { PROJECT_ROOT } from '../src/config.js';
import {
  DEFAULT_OPTIONS,
  Recognizer,
  type RecognizerOptions,
  type Tunable,
  trainingVocabulary,
} from '../src/core/recognizer.js';
import { Engine } from '../src/core/respond.js';
import type { Intent, Knowledge, Lexicon } from '../src/core/types.js';
import { wholeNumberFlag } from './args.js';
import {
  type AnswerOutcome,
  type AnswerScores,
  type AnswerSet,
  accuracy,
  classificationScores,
  confusedPairs,
  crossValidate,
  intentsOf,
  loadAnswerSet,
  loadExamples,
  loadQuestionSet,
  misrecognizedTraining,
  type Scores,
  scoreAnswers,
  scoreEngine,
  scoreRewordings,
} from './eval/evaluation.js';

/** Targets of the issue that asked for a recognizer that generalizes. */
const TARGETS = { inScope: 0.95, outOfScope: 0.92, followUps: 0.9, crossValidation: 0.9 };

/** Targets of the issue that asked for questions in Chinese, answered in Chinese. */
const CHINESE_TARGETS = { inScope: 0.92, outOfScope: 0.9, followUps: 0.85 };

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'heldout' },
    sweep: { type: 'boolean', default: false },
    folds: { type: 'string', default: '5' },
    train: { type: 'string' },
    test: { type: 'string' },
    json: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    rewordings: { type: 'boolean', default: false },
  },
});

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const out = (line = '') => process.stdout.write(`${line}\n`);
const count = (outcomes: readonly { correct: boolean }[]) =>
  `(${outcomes.filter((o) => o.correct).length}/${outcomes.length})`;

/** A knowledge store with nothing in it: data sets other than the article's have no entities. */
const NO_ARTICLE: Knowledge = {
  title: '',
  source: { name: '', copyright: '' },
  paragraphs: [],
  facts: [],
  quotes: [],
  people: [],
  organizations: [],
  places: [],
};

async function main(): Promise<void> {
  if (values.train !== undefined || values.test !== undefined) return trainAndTest();
  const folds = wholeNumberFlag('folds', values.folds, 2);
  const bot = await loadBot();
  if (values.sweep) return sweep(bot.intents, bot.knowledge, bot.lexicon, folds);
  if (values.set !== 'heldout' && values.set !== 'dev') throw new Error('--set must be "heldout" or "dev"');
  const fixtures = path.join(PROJECT_ROOT, 'test', 'fixtures');

  const answersFile = path.join(fixtures, `${values.set}-fresh.json`);
  if (values.rewordings) return printRewordings(bot.engine, await loadAnswerSet(answersFile), answersFile);
  const answers = scoreAnswers(bot.engine, await loadAnswerSet(answersFile));
  out(`${values.set} set, scored by what the answers say: ${path.relative(PROJECT_ROOT, answersFile)}`);
  printAnswers(answers);

  // Questions in Chinese, written by a helper that saw only the article; right only when answered in Chinese.
  const chineseFile = path.join(fixtures, `${values.set}-zh.json`);
  const chinese = scoreAnswers(bot.engine, await loadAnswerSet(chineseFile));
  out();
  out(`${values.set} set in Chinese, answered in Chinese: ${path.relative(PROJECT_ROOT, chineseFile)}`);
  printAnswers(chinese, CHINESE_TARGETS);

  const labelledFile = path.join(fixtures, `${values.set}.json`);
  const labelled = scoreEngine(bot.engine, await loadQuestionSet(labelledFile, bot.intents));
  out();
  out(
    `${values.set} set, scored by intent: ${path.relative(PROJECT_ROOT, labelledFile)} (${labelled.outcomes.length} questions)`,
  );
  printScores(labelled);

  out();
  out(`${folds}-fold cross-validation over intents/ (each utterance asked of a bot trained without it)`);
  const cv = crossValidate(bot.intents, bot.knowledge, bot.lexicon, DEFAULT_OPTIONS, folds);
  printScores(cv, 'cross-validation');
  out(`  target: cross-validation in-scope >= ${pct(TARGETS.crossValidation)}`);

  const wrong = misrecognizedTraining(bot.engine, bot.intents);
  out();
  out(
    `training utterances answered as another intent than their own: ${wrong.length} of ${bot.intents.reduce((n, i) => n + i.utterances.length, 0)}`,
  );
  for (const o of wrong)
    out(`  ${JSON.stringify(o.question.q)}: ${o.question.intent ?? '(out of scope)'} -> ${o.got ?? '(fallback)'}`);
  out();
  out(`Recognizer settings: ${JSON.stringify(DEFAULT_OPTIONS)}`);
}

function printRewordings(engine: Engine, set: AnswerSet, file: string): void {
  out(
    `${values.set} set reworded by a script: ${path.relative(PROJECT_ROOT, file)} (plain, synonym and keyword questions)`,
  );
  for (const r of scoreRewordings(engine, set)) {
    out(
      `  ${pct(accuracy(r.inScope)).padStart(6)} in scope ${count(r.inScope)}, ${pct(accuracy(r.outOfScope)).padStart(6)} out of scope rejected ${count(r.outOfScope)}: ${r.name}`,
    );
    if (values.verbose) for (const o of r.inScope.filter((x) => !x.correct)) out(`      ${o.q} -> ${o.got}`);
  }
}

function printAnswers(s: AnswerScores, targets: Omit<typeof TARGETS, 'crossValidation'> = TARGETS): void {
  out(
    `  in-scope accuracy       ${pct(accuracy(s.inScope)).padStart(6)} ${count(s.inScope)}   target ${pct(targets.inScope)}`,
  );
  out(
    `  out-of-scope rejection  ${pct(accuracy(s.outOfScope)).padStart(6)} ${count(s.outOfScope)}   target ${pct(targets.outOfScope)}`,
  );
  out(
    `  follow-up turns         ${pct(accuracy(s.followUps)).padStart(6)} ${count(s.followUps)}   target ${pct(targets.followUps)}`,
  );
  out(`  first turns of conversations ${pct(accuracy(s.firstTurns))} ${count(s.firstTurns)}`);
  const kinds = new Map<string, AnswerOutcome[]>();
  for (const o of [...s.inScope, ...s.outOfScope]) kinds.set(o.kind, [...(kinds.get(o.kind) ?? []), o]);
  out(`  by kind: ${[...kinds].map(([k, os]) => `${k} ${pct(accuracy(os))} ${count(os)}`).join(', ')}`);
  if (values.verbose) {
    for (const o of [...s.inScope, ...s.outOfScope, ...s.followUps]) {
      if (!o.correct)
        out(`    [${o.kind}] ${JSON.stringify(o.q)} -> ${o.got}: ${o.text.replace(/\n/g, ' ').slice(0, 140)}`);
    }
  }
}

function printScores(s: Scores, label = ''): void {
  const prefix = label ? `${label} ` : '';
  out(
    `  ${prefix}in-scope accuracy       ${pct(s.inScope.accuracy).padStart(6)} (${s.inScope.correct}/${s.inScope.total})`,
  );
  out(
    `  ${prefix}out-of-scope rejection  ${pct(s.outOfScope.rejection).padStart(6)} (${s.outOfScope.rejected}/${s.outOfScope.total})`,
  );
  const pairs = confusedPairs(s.outcomes, 5);
  if (pairs.length > 0)
    out(`  most confused: ${pairs.map((p) => `${p.count} x ${p.expected} -> ${p.got}`).join('; ')}`);
  if (values.verbose) {
    for (const o of s.outcomes) {
      if (o.correct) continue;
      const why =
        o.got === o.question.intent ? `missing ${JSON.stringify(o.missingWords)}` : `answered ${o.got ?? '(fallback)'}`;
      out(`    ${JSON.stringify(o.question.q)}: expected ${o.question.intent ?? '(fallback)'}, ${why}`);
    }
  }
}

/** `--train F --test F`: the recognizer alone, trained on any labelled data, scored on a test list. */
async function trainAndTest(): Promise<void> {
  if (values.train === undefined || values.test === undefined)
    throw new Error('--train and --test go together: both are JSON lists of {"text", "intent"}');
  const [train, test] = await Promise.all([loadExamples(values.train), loadExamples(values.test)]);
  const intents = intentsOf(train);
  const lexicon = await loadLexicon(trainingVocabulary(intents, NO_ARTICLE));
  const recognizer = Recognizer.train(intents, NO_ARTICLE, lexicon);
  const predicted = test.map((e) => recognizer.recognize(e.text).intent);
  const scores = classificationScores(
    test.map((e) => e.intent),
    predicted,
  );
  if (values.json) {
    out(JSON.stringify(scores));
    return;
  }
  out(`trained on ${train.length} examples (${intents.length} intents), tested on ${scores.n}`);
  out(`  accuracy                ${pct(scores.accuracy)}`);
  out(`  in-scope accuracy       ${pct(scores.inScopeAccuracy)}`);
  out(
    `  out-of-scope rejection  ${scores.outOfScopeRejection === null ? '(no out-of-scope examples)' : pct(scores.outOfScopeRejection)}`,
  );
  out(`  macro-F1                ${scores.macroF1.toFixed(3)}`);
}

/**
 * Compares the combination weights and out-of-scope thresholds on cross-validation and the dev sets (never the
 * held-out sets), ranked by the worst of the dev sets' in-scope, out-of-scope and follow-up figures, with
 * cross-validation's in-scope figure breaking ties.
 */
async function sweep(intents: Intent[], knowledge: Knowledge, lexicon: Lexicon, folds: number): Promise<void> {
  const fixtures = path.join(PROJECT_ROOT, 'test', 'fixtures');
  const dev = await loadAnswerSet(path.join(fixtures, 'dev-fresh.json'));
  const devLabelled = await loadQuestionSet(path.join(fixtures, 'dev.json'), intents);
  const trained = Recognizer.train(intents, knowledge, lexicon, DEFAULT_OPTIONS);
  const rows: { tunable: Tunable; worst: number; summary: string }[] = [];
  for (const weights of [
    { bayes: 0.3, chars: 0.4, nearest: 0.3 },
    { bayes: 0.2, chars: 0.4, nearest: 0.4 },
    { bayes: 0.2, chars: 0.3, nearest: 0.5 },
    { bayes: 0.4, chars: 0.3, nearest: 0.3 },
  ]) {
    for (const minScore of [0.35, 0.4, 0.45, 0.5]) {
      for (const minMargin of [0, 0.05, 0.1, 0.15]) {
        const tunable: Tunable = { ...DEFAULT_OPTIONS, weights, minScore, minMargin };
        const engine = new Engine({ knowledge, intents, recognizer: trained.withOptions(tunable) });
        const a = scoreAnswers(engine, dev);
        const l = scoreEngine(engine, devLabelled);
        const figures = [
          accuracy(a.inScope),
          accuracy(a.outOfScope),
          accuracy(a.followUps),
          l.inScope.accuracy,
          l.outOfScope.rejection,
        ];
        rows.push({
          tunable,
          worst: Math.min(...figures) + 0.1 * (figures.reduce((x, y) => x + y, 0) / figures.length),
          summary: figures.map(pct).join(' / '),
        });
      }
    }
  }
  rows.sort((a, b) => b.worst - a.worst);
  out(
    'weights (bayes chars nearest) minScore minMargin | dev answers in / oos / follow-ups | dev intents in / oos | cv in / oos',
  );
  for (const row of rows.slice(0, 8)) {
    const options: RecognizerOptions = { ...DEFAULT_OPTIONS, ...row.tunable };
    const cv = crossValidate(intents, knowledge, lexicon, options, folds);
    const w = row.tunable.weights;
    out(
      `${w.bayes} ${w.chars} ${w.nearest}  ${row.tunable.minScore}  ${row.tunable.minMargin} | ${row.summary} | ${pct(cv.inScope.accuracy)} / ${pct(cv.outOfScope.rejection)}`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`eval failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
