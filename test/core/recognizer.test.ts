import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import porterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { describe, expect, it } from 'vitest';
import { trainQuickly } from '../../src/core/recognizer.js';
import { sharedBot } from '../support/article.js';

const { recognizer, intents } = await sharedBot();

describe('Recognizer', () => {
  it.each([
    ['How many members does LinkedIn have?', 'linkedin.members'],
    ['linkedn memebers worldwide', 'linkedin.members'],
    ['wechat user numbr', 'wechat.users'],
    ['When was Tianji founded?', 'tianji.founded'],
    ['What did Jin Xiaolei say?', 'quotes.jin-xiaolei'],
  ])('%s -> %s', (question, intent) => {
    const result = recognizer.recognize(question);
    expect(result.intent).toBe(intent);
    expect(result.confidence).toBeGreaterThan(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
    expect(result.ranking[0]!.intent).toBe(intent);
    const scores = result.ranking.map((r) => r.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it.each([
    'What is the capital of France?',
    'How many employees does Tianji have?',
    "What is LinkedIn's revenue?",
    'zxcv qwerty',
    '',
  ])('%j is out of scope', (question) => {
    expect(recognizer.recognize(question).intent).toBeNull();
  });

  it('reads misspelt names as the names', () => {
    const { mentions } = recognizer.analyze('what did jin xiaoleii and he maio say about linkedn and wechatt');
    expect(mentions.map((m) => m.id)).toEqual(['jin-xiaolei', 'he-miao', 'linkedin', 'wechat']);
  });

  it('survives a question of 2,000 characters', () => {
    const long = 'how many members does linkedin have '.repeat(60).slice(0, 2000);
    expect(recognizer.recognize(long).intent).toBe('linkedin.members');
  });
});

describe('trainQuickly', () => {
  it("learns exactly what natural's own train() learns", () => {
    const slow = new BayesClassifier(porterStemmer, 0.03);
    const fast = new BayesClassifier(porterStemmer, 0.03);
    for (const intent of intents.slice(0, 8)) {
      for (const u of intent.utterances) {
        const features = recognizer.analyze(u).features;
        if (features.length === 0) continue;
        slow.addDocument(features, intent.intent);
        fast.addDocument(features, intent.intent);
      }
    }
    slow.train();
    trainQuickly(fast);
    expect(JSON.stringify(fast.classifier)).toBe(JSON.stringify(slow.classifier));
    const probe = recognizer.analyze('how many users does tianji have').features;
    expect(fast.getClassifications(probe)).toEqual(slow.getClassifications(probe));
  });
});
