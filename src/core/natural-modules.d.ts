// Types for the two natural modules the recognizer imports directly. Importing them by path (rather than
// `import natural from 'natural'`) skips natural's storage back-ends: about 40 ms instead of 500 ms, and
// none of the "injected env" lines its bundled dotenv prints.

declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  interface PorterStemmer {
    stem(token: string): string;
  }
  const stemmer: PorterStemmer;
  export default stemmer;
}

declare module 'natural/lib/natural/classifiers/bayes_classifier.js' {
  import type stemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';

  interface Classification {
    label: string;
    value: number;
  }
  class BayesClassifier {
    constructor(stemmer?: typeof stemmer, smoothing?: number);
    /** Features are taken as given when `tokens` is an array. */
    addDocument(tokens: string[], label: string): void;
    train(): void;
    getClassifications(tokens: string[]): Classification[];
    /** Feature name -> count; a feature's index in the classifier's vectors is its insertion order. */
    features: Record<string, number>;
    /** The documents added so far, and how many of them `train()` has already learned. */
    docs: { label: string; text: string[] }[];
    lastAdded: number;
    /** The underlying naive Bayes model (natural's apparatus dependency). */
    classifier: {
      /** Per label: feature index -> count (plus smoothing), for the features seen with that label. */
      classFeatures: Record<string, Record<string, number>>;
      /** Per label: number of examples, plus one. */
      classTotals: Record<string, number>;
      totalExamples: number;
      smoothing: number;
      addExample(observation: number[], label: string): void;
      train(): void;
      getClassifications(observation: number[] | Record<string, number>): Classification[];
    };
    static restore(data: unknown, stemmer?: typeof stemmer): BayesClassifier;
  }
  export default BayesClassifier;
}

declare module 'natural/lib/natural/util/stopwords.js' {
  /** natural's list of common English function words. */
  export const words: string[];
}
