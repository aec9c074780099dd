import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import porterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { describe, expect, it } from 'vitest';
import { BayesScorer, observationOrder } from '../../src/core/bayes.js';
import { trainQuickly } from '../../src/core/recognizer.js';
import { fixture, sharedBot } from '../support/article.js';

const { recognizer, intents } = await sharedBot();

/** natural trained on every intent, as the recognizer trains it, with smoothing that is not the default. */
function trainNatural(): BayesClassifier {
  const classifier = new BayesClassifier(porterStemmer, 0.03);
  for (const intent of intents) {
    for (const u of intent.utterances) {
      const { features } = recognizer.analyze(u);
      if (features.length > 0) classifier.addDocument(features, intent.intent);
    }
  }
  trainQuickly(classifier);
  return classifier;
}

describe('BayesScorer', () => {
  const natural = trainNatural();
  const featureIndex = new Map(Object.keys(natural.features).map((f, i) => [f, i]));
  const scorer = new BayesScorer(natural.classifier, featureIndex.size);
  const labels = Object.keys(natural.classifier.classFeatures).length;
  const questions = [
    ...fixture<{ q: string }[]>('heldout.json').map((q) => q.q),
    ...fixture<{ q: string }[]>('dev.json').map((q) => q.q),
    // Integer-like features come first in natural's for...in walk of the observation.
    'did 500 million or 300 million people use it in 2014, or 2 or 10?',
    'how many members does linkedin have '.repeat(20),
  ];

  it("gives natural's getClassifications() scores to the last bit, in its order", () => {
    let compared = 0;
    for (const question of questions) {
      const { features } = recognizer.analyze(question);
      // What the recognizer handed natural before: an observation object of the first 32 known features.
      const observation: Record<string, number> = Object.create(null);
      let known = 0;
      for (const f of features) {
        const index = featureIndex.get(f);
        if (index !== undefined && known < 32) {
          observation[f] = index;
          known++;
        }
      }
      const indices = observationOrder(features, featureIndex, 32);
      expect(indices.length).toBe(known);
      if (known === 0) continue;
      const expected = natural.classifier.getClassifications(observation);
      const { top, total } = scorer.classify(indices, labels);
      expect(top).toEqual(expected);
      expect(
        Object.is(
          total,
          expected.reduce((sum, s) => sum + s.value, 0),
        ),
      ).toBe(true);
      expect(scorer.classify(indices, 5).top).toEqual(expected.slice(0, 5));
      compared++;
    }
    expect(compared).toBeGreaterThan(400);
  });

  it('lists integer-like features first, in ascending order, as for...in does', () => {
    const index = new Map([
      ['b', 0],
      ['10', 1],
      ['a', 2],
      ['2', 3],
      ['02', 4],
      ['4294967295', 5],
    ]);
    const object: Record<string, number> = Object.create(null);
    for (const [f, i] of index) object[f] = i;
    const walked: number[] = [];
    for (const f in object) walked.push(object[f]!);
    expect(observationOrder([...index.keys()], index, 32)).toEqual(walked);
    expect(walked).toEqual([3, 1, 0, 2, 4, 5]);
  });
});
