import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { accuracy, loadAnswerSet, loadQuestionSet, scoreAnswers, scoreEngine } from '../../tools/eval/evaluation.js';
import { sharedBot } from '../support/article.js';

const { engine, intents } = await sharedBot();

describe('answer quality on the held-out set (what npm run eval reports)', async () => {
  const questions = await loadQuestionSet(`${PROJECT_ROOT}/test/fixtures/heldout.json`, intents);
  const scores = scoreEngine(engine, questions);
  const wrong = scores.outcomes.filter((o) => !o.correct).map((o) => `${o.question.q} -> ${o.got ?? '(fallback)'}`);

  it('is a real held-out set: at least 150 questions, at least 30 out of scope', () => {
    expect(questions.length).toBeGreaterThanOrEqual(150);
    expect(scores.outOfScope.total).toBeGreaterThanOrEqual(30);
    for (const q of ['When was LinkedIn founded?', 'How many employees does Tianji have?']) {
      expect(questions.find((x) => x.q === q)?.intent).toBeNull();
    }
  });

  it('answers at least 95% of in-scope questions right', () => {
    expect(scores.inScope.accuracy, wrong.join('\n')).toBeGreaterThanOrEqual(0.95);
  });

  it('rejects at least 90% of out-of-scope questions', () => {
    expect(scores.outOfScope.rejection, wrong.join('\n')).toBeGreaterThanOrEqual(0.9);
  });
});

describe('answer quality on the fresh held-out set, scored by what the answers say', async () => {
  const set = await loadAnswerSet(`${PROJECT_ROOT}/test/fixtures/heldout-fresh.json`);
  const scores = scoreAnswers(engine, set);
  const wrong = (outcomes: readonly { q: string; correct: boolean; got: string }[]) =>
    outcomes
      .filter((o) => !o.correct)
      .map((o) => `${o.q} -> ${o.got}`)
      .join('\n');

  it('is a real held-out set: at least 200 in scope, 60 out of scope, 20 conversations', () => {
    expect(set.inScope.length).toBeGreaterThanOrEqual(200);
    expect(set.outOfScope.length).toBeGreaterThanOrEqual(60);
    expect(set.conversations.length).toBeGreaterThanOrEqual(20);
  });

  // Floors a little below the figures measured at the last change (89.9%, 87.8%, 76.7%): a guard
  // against regressions, not the targets (95%, 92%, 90%), which npm run eval reports.
  it('answers at least 88% of in-scope questions with what the article says', () => {
    expect(accuracy(scores.inScope), wrong(scores.inScope)).toBeGreaterThanOrEqual(0.88);
  });

  it('gives at least 86% of out-of-scope questions a fallback', () => {
    expect(accuracy(scores.outOfScope), wrong(scores.outOfScope)).toBeGreaterThanOrEqual(0.86);
  });

  it('answers at least 74% of follow-up turns in context', () => {
    expect(accuracy(scores.followUps), wrong(scores.followUps)).toBeGreaterThanOrEqual(0.74);
  });
});
