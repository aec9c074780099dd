import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import porterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { BayesScorer, observationOrder } from './bayes.js';
import { EntityMatcher, findPronouns, type Mention, type Pronoun } from './entities.js';
import { SimilarityIndex } from './similarity.js';
import { SpellCorrector, STOP_WORDS, stem, tokenize } from './text.js';
import type { Intent, Knowledge, Recognition, WordSet } from './types.js';

/**
 * Words that shape a question or pad a chatty one but say nothing about its topic: features for the
 * classifier, but not content for the similarity measure (nor are the stop words), so "I was wondering, roughly how many people
 * use WeChat?" is as close to "how many people use WeChat" as it should be.
 */
const NON_CONTENT_WORDS: ReadonlySet<string> = new Set([
  'who', 'whom', 'whose', 'what', 'when', 'where', 'why', 'how', 'which', 'many', 'much', 'tell', 'about',
  'he', 'him', 'his', 'she', 'her', 'it', 'its', 'they', 'them', 'their', 'not', 'no', 'yes',
  'i', 'me', 'my', 'you', 'your', 'we', 'us', 'our', 'can', 'could', 'would', 'will', 'should', 'do', 'please',
  'know', 'wondering', 'wonder', 'curious', 'quick', 'question', 'reading', 'read', 'heard', 'hear', 'earlier',
  'today', 'again', 'exactly', 'roughly', 'basically', 'anyway', 'btw', 'ok', 'okay', 'well', 'now',
  'kind', 'sort', 'bit', 'little', 'maybe', 'perhaps', 'probably', 'give', 'let', 'any', 'some', 'something',
  'thing', 'things', 'stuff', 'one', 'here', 'also', 'too', 'very', 'like',
]);

/** Longer questions keep only their first features: Bayes scores are products and underflow otherwise. */
const MAX_FEATURES = 32;
/** How many intents a recognition ranks. */
const RANKED = 5;

/** How features are made and when a question counts as out of scope. Chosen by `npm run eval`. */
export interface RecognizerOptions {
  /** Add word-pair features ("how_mani") beside single stems. */
  bigrams: boolean;
  /** Keep stop words as features ("what can you do" is all stop words but "what"); never content. */
  keepStopWords: boolean;
  /** Bayes smoothing: the count given to a feature never seen with a label. Lower gives sharper posteriors. */
  smoothing: number;
  /** Below this share of the Bayes posterior, the top intent is not trusted. */
  minConfidence: number;
  /** Below this cosine similarity to the top intent's nearest utterance, it is out of scope. */
  minNearest: number;
}

export const DEFAULT_OPTIONS: RecognizerOptions = {
  bigrams: true,
  keepStopWords: true,
  smoothing: 0.01,
  minConfidence: 0,
  minNearest: 0.5,
};

/** What the recognizer read in a question: corrected tokens, entity mentions, pronouns, features. */
export interface Analysis {
  tokens: string[];
  mentions: Mention[];
  pronouns: Pronoun[];
  features: string[];
  /** Content features: entity mentions and stems of words that are neither stop words nor question words. */
  content: string[];
}

/** The recognizer's verdict plus what it read, so later steps need not read the question again. */
export interface RecognitionResult extends Recognition {
  analysis: Analysis;
}

/** Thresholds that {@link Recognizer.withThresholds} may change without retraining. */
export type Thresholds = Pick<RecognizerOptions, 'minConfidence' | 'minNearest'>;

/**
 * Matches a question to an intent with natural's naive Bayes classifier, and decides when it matches none.
 * Bayes always crowns some label, so "out of scope" comes from three signals: an explicit out-of-scope
 * intent trained on questions the article cannot answer ("revenue", "CEO", "weather"), the posterior share
 * of the winner, and the similarity of the question to the winner's nearest training utterance.
 */
export class Recognizer {
  private readonly fallbackIntents: Set<string>;
  private readonly featureIndex: Map<string, number>;
  private readonly scorer: BayesScorer;

  private constructor(
    private readonly matcher: EntityMatcher,
    private readonly speller: Speller,
    classifier: BayesClassifier,
    fallbackIntents: string[],
    private readonly similarity: SimilarityIndex,
    readonly options: RecognizerOptions,
  ) {
    this.fallbackIntents = new Set(fallbackIntents);
    this.featureIndex = new Map(Object.keys(classifier.features).map((f, i) => [f, i]));
    this.scorer = new BayesScorer(classifier.classifier, this.featureIndex.size);
  }

  /**
   * Trains on every utterance of every intent. Intents whose answer is `fallback` teach "out of scope".
   * `dictionary` is a list of English words: a word in it is never "corrected", so "movie" stays "movie"
   * and "founder" stays "founder" while "numbr" becomes "number".
   */
  static train(
    intents: readonly Intent[],
    knowledge: Knowledge,
    dictionary: WordSet,
    options: RecognizerOptions = DEFAULT_OPTIONS,
  ): Recognizer {
    const matcher = new EntityMatcher(knowledge);
    const nameTokens = matcher.nameTokens();
    const articleTokens = knowledge.paragraphs.flatMap((p) => tokenize(p.text));
    const vocabulary = new Map<string, number>();
    const count = (t: string) => vocabulary.set(t, (vocabulary.get(t) ?? 0) + 1);
    for (const intent of intents) for (const u of intent.utterances) tokenize(u).forEach(count);
    nameTokens.forEach(count);
    articleTokens.forEach(count);

    const classifier = new BayesClassifier(porterStemmer, options.smoothing);
    const speller = new Speller(vocabulary, new Set([...articleTokens, ...nameTokens]), nameTokens, dictionary);
    const documents: { intent: string; features: string[] }[] = [];
    for (const intent of intents) {
      for (const utterance of intent.utterances) {
        const { features, content } = analyze(utterance, matcher, speller, options);
        if (features.length === 0) continue;
        classifier.addDocument(features, intent.intent);
        documents.push({ intent: intent.intent, features: content });
      }
    }
    trainQuickly(classifier);
    const fallbackIntents = intents.filter((i) => i.answer.fallback).map((i) => i.intent);
    const similarity = new SimilarityIndex(documents);
    return new Recognizer(matcher, speller, classifier, fallbackIntents, similarity, options);
  }

  /** Number of distinct features the classifier was trained on. */
  get featureCount(): number {
    return this.featureIndex.size;
  }

  /** The same trained recognizer with other out-of-scope thresholds (for tuning; training is shared). */
  withThresholds(thresholds: Thresholds): Recognizer {
    const copy = Object.create(Recognizer.prototype) as Recognizer;
    Object.assign(copy, this, { options: { ...this.options, ...thresholds } });
    return copy;
  }

  /** Tokenizes, corrects spelling, finds entities and pronouns, and makes the classifier's features. */
  analyze(question: string): Analysis {
    return analyze(question, this.matcher, this.speller, this.options);
  }

  /** The intent of a question, or `intent: null` when it is out of scope. */
  recognize(question: string): RecognitionResult {
    const analysis = this.analyze(question);
    const indices = observationOrder(analysis.features, this.featureIndex, MAX_FEATURES);
    if (indices.length === 0) return { intent: null, confidence: 1, ranking: [], analysis };

    const { top: scores, total } = this.scorer.classify(indices, RANKED);
    const ranking = scores.map((s) => ({ intent: s.label, score: total > 0 ? s.value / total : 0 }));
    const top = ranking[0]!;
    const nearestUtterance = this.similarity.nearest(top.intent, analysis.content);
    const outOfScopeIntent = this.fallbackIntents.has(top.intent);
    const inScope =
      !outOfScopeIntent && top.score >= this.options.minConfidence && nearestUtterance >= this.options.minNearest;
    // Confidence in the verdict: the geometric mean of the winner's posterior and similarity, or its
    // complement when the winner was an in-scope intent that did not pass the thresholds.
    const belief = Math.sqrt(top.score * nearestUtterance);
    return {
      intent: inScope ? top.intent : null,
      confidence: round(inScope || outOfScopeIntent ? belief : 1 - belief),
      ranking: ranking.map((r) => ({ intent: r.intent, score: round(r.score) })),
      analysis,
    };
  }
}

/**
 * Does what natural's `classifier.train()` does, in a fraction of the time. natural turns each document into
 * a vector over all features by looking every feature up in the document, and its model then walks that
 * whole vector (documents x features steps: 0.8 s for 1,900 utterances); here each document's own features
 * are counted into the model directly, as the model's `addExample` counts a vector's non-zero entries. The
 * model learns the same counts (a test compares the two).
 */
export function trainQuickly(classifier: BayesClassifier): void {
  const index = new Map(Object.keys(classifier.features).map((f, i) => [f, i]));
  const model = classifier.classifier;
  for (let d = classifier.lastAdded; d < classifier.docs.length; d++) {
    const { label, text } = classifier.docs[d]!;
    if (!model.classFeatures[label]) {
      model.classFeatures[label] = {};
      model.classTotals[label] = 1; // natural's extra one, for smoothing
    }
    model.totalExamples++;
    model.classTotals[label]!++;
    const counts = model.classFeatures[label]!;
    // Highest index first, each once, as the model's loop over a vector visits them.
    const features = [...new Set(text.map((f) => index.get(f)!))].sort((a, b) => b - a);
    for (const i of features) counts[i] = counts[i] ? counts[i]! + 1 : 1 + model.smoothing;
  }
  classifier.lastAdded = classifier.docs.length;
  model.train();
}

/**
 * Spelling correction for questions and training utterances alike. Words of the article, names and
 * English words are taken as written. Anything else is first tried against the names ("linkedn",
 * "he maio"), then against the clean words the bot knows (the article's, and the English words of the
 * training utterances), so a typo in a question and the same typo in training both become the word.
 */
class Speller {
  private readonly names: SpellCorrector;
  private readonly words: SpellCorrector;

  /** `trusted`: the article's words and the names, taken as written like English words. */
  constructor(
    vocabulary: Map<string, number>,
    private readonly trusted: ReadonlySet<string>,
    nameTokens: readonly string[],
    private readonly dictionary: WordSet,
  ) {
    this.names = new SpellCorrector(new Map(nameTokens.map((t) => [t, 1])), true);
    const clean = new Map([...vocabulary].filter(([word]) => this.isWord(word)));
    this.words = new SpellCorrector(clean);
  }

  private isWord(token: string): boolean {
    return this.trusted.has(token) || this.dictionary.has(token);
  }

  correct(token: string): string {
    if (this.isWord(token)) return token;
    const name = this.names.correct(token);
    return name !== token ? name : this.words.correct(token);
  }
}

function analyze(question: string, matcher: EntityMatcher, speller: Speller, options: RecognizerOptions): Analysis {
  const tokens = tokenize(question).map((t) => speller.correct(t));
  const mentions = matcher.find(tokens);
  const pronouns = findPronouns(tokens, mentions);
  const features: string[] = [];
  const content: string[] = [];
  const words: string[] = [];
  let m = 0;
  for (let i = 0; i < tokens.length; i++) {
    const mention = mentions[m];
    if (mention && i === mention.start) {
      const feature = `@${mention.id}`;
      features.push(feature);
      content.push(feature);
      words.push(feature);
      i = mention.end - 1;
      m++;
      continue;
    }
    const token = tokens[i]!;
    const isStop = STOP_WORDS.has(token);
    if (isStop && !options.keepStopWords) continue;
    const stemmed = stem(token);
    features.push(stemmed);
    words.push(stemmed);
    if (!isStop && !NON_CONTENT_WORDS.has(token)) content.push(stemmed);
  }
  if (options.bigrams) for (let i = 1; i < words.length; i++) features.push(`${words[i - 1]}_${words[i]}`);
  return { tokens, mentions, pronouns, features: [...new Set(features)], content: [...new Set(content)] };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
