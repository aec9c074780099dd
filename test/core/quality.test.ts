import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { loadQuestionSet, scoreEngine } from '../../tools/eval/evaluation.js';
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
