import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import porterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { EntityMatcher, findPronouns, type Mention, type Pronoun } from './entities.js';
import { SpellCorrector, STOP_WORDS, stem, tokenize } from './text.js';
import type { Intent, Knowledge, Recognition } from './types.js';

/** Words that shape a question but say nothing about its topic; features, but not "content". */
const QUESTION_WORDS: ReadonlySet<string> = new Set([
  'who', 'whom', 'whose', 'what', 'when', 'where', 'why', 'how', 'which', 'many', 'much', 'tell', 'about',
  'he', 'him', 'his', 'she', 'her', 'it', 'its', 'they', 'them', 'their', 'and', 'not', 'no', 'yes',
]);

/** Longer questions keep only their first features: Bayes scores are products and underflow otherwise. */
const MAX_FEATURES = 32;

/** How features are made and when a question counts as out of scope. Chosen by `npm run eval`. */
export interface RecognizerOptions {
  /** Add word-pair features ("how_mani") beside single stems. */
  bigrams: boolean;
  /** Below this share of the Bayes posterior, the top intent is not trusted. */
  minConfidence: number;
  /** Below this share of the question's content words seen in the top intent's training, it is out of scope. */
  minCoverage: number;
}

export const DEFAULT_OPTIONS: RecognizerOptions = { bigrams: true, minConfidence: 0.5, minCoverage: 0.5 };

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
  /** The best in-scope intent even when the question was judged out of scope (for diagnostics). */
  nearest: string | null;
}

/** A trained recognizer as plain JSON: what `npm run train` writes and start-up loads. */
export interface RecognizerModel {
  format: 'article-bot-recognizer/1';
  /** Hash of the intents and knowledge it was trained on; a mismatch means the model is stale. */
  fingerprint: string;
  options: RecognizerOptions;
  vocabulary: [string, number][];
  intentFeatures: Record<string, string[]>;
  fallbackIntents: string[];
  classifier: unknown;
}

/**
 * Matches a question to an intent with natural's naive Bayes classifier, and decides when it matches none.
 * Bayes always crowns some label, so "out of scope" comes from three signals: an explicit out-of-scope
 * intent trained on questions the article cannot answer, the posterior share of the winner, and the share
 * of the question's content words that the winner's training utterances contain.
 */
export class Recognizer {
  private readonly matcher: EntityMatcher;
  private readonly speller: SpellCorrector;
  private readonly intentFeatures: Map<string, Set<string>>;
  private readonly fallbackIntents: Set<string>;
  private readonly featureIndex: Map<string, number>;

  private constructor(
    knowledge: Knowledge,
    private readonly classifier: BayesClassifier,
    private readonly vocabulary: Map<string, number>,
    intentFeatures: Record<string, string[]>,
    fallbackIntents: string[],
    readonly options: RecognizerOptions,
    readonly fingerprint: string,
  ) {
    this.matcher = new EntityMatcher(knowledge);
    this.speller = new SpellCorrector(vocabulary);
    this.intentFeatures = new Map(Object.entries(intentFeatures).map(([k, v]) => [k, new Set(v)]));
    this.fallbackIntents = new Set(fallbackIntents);
    this.featureIndex = new Map(Object.keys(classifier.features).map((f, i) => [f, i]));
  }

  /** Trains on every utterance of every intent. Intents whose answer is `fallback` teach "out of scope". */
  static train(
    intents: readonly Intent[],
    knowledge: Knowledge,
    options: RecognizerOptions = DEFAULT_OPTIONS,
    fingerprint = '',
  ): Recognizer {
    const matcher = new EntityMatcher(knowledge);
    const vocabulary = new Map<string, number>();
    const count = (t: string) => vocabulary.set(t, (vocabulary.get(t) ?? 0) + 1);
    for (const intent of intents) for (const u of intent.utterances) tokenize(u).forEach(count);
    matcher.nameTokens().forEach(count);
    for (const p of knowledge.paragraphs) tokenize(p.text).forEach(count);

    const classifier = new BayesClassifier(porterStemmer);
    const intentFeatures: Record<string, string[]> = {};
    const speller = new SpellCorrector(vocabulary);
    for (const intent of intents) {
      const seen = new Set<string>();
      for (const utterance of intent.utterances) {
        const { features } = analyze(utterance, matcher, speller, options);
        if (features.length === 0) continue;
        classifier.addDocument(features, intent.intent);
        features.forEach((f) => seen.add(f));
      }
      intentFeatures[intent.intent] = [...seen];
    }
    classifier.train();
    const fallbackIntents = intents.filter((i) => i.answer.fallback).map((i) => i.intent);
    return new Recognizer(knowledge, classifier, vocabulary, intentFeatures, fallbackIntents, options, fingerprint);
  }

  /** Rebuilds a recognizer from {@link toModel}'s output without training. */
  static restore(model: RecognizerModel, knowledge: Knowledge): Recognizer {
    if (model.format !== 'article-bot-recognizer/1') {
      throw new Error(`unknown recognizer model format ${JSON.stringify(model.format)}; run npm run train`);
    }
    const classifier = BayesClassifier.restore(model.classifier, porterStemmer);
    return new Recognizer(
      knowledge,
      classifier,
      new Map(model.vocabulary),
      model.intentFeatures,
      model.fallbackIntents,
      model.options,
      model.fingerprint,
    );
  }

  toModel(): RecognizerModel {
    // The training documents and the stemmer are not needed to classify; EventEmitter fields start with "_".
    const { stemmer: _stemmer, docs: _docs, ...classifier } = this.classifier as unknown as Record<string, unknown>;
    return {
      format: 'article-bot-recognizer/1',
      fingerprint: this.fingerprint,
      options: this.options,
      vocabulary: [...this.vocabulary],
      intentFeatures: Object.fromEntries([...this.intentFeatures].map(([k, v]) => [k, [...v]])),
      fallbackIntents: [...this.fallbackIntents],
      classifier: JSON.parse(
        JSON.stringify({ ...classifier, docs: [] }, (key, value) => (key.startsWith('_') ? undefined : value)),
      ),
    };
  }

  /** Tokenizes, corrects spelling, finds entities and pronouns, and makes the classifier's features. */
  analyze(question: string): Analysis {
    return analyze(question, this.matcher, this.speller, this.options);
  }

  /** The intent of a question, or `intent: null` when it is out of scope. */
  recognize(question: string): RecognitionResult {
    const analysis = this.analyze(question);
    const observation: Record<string, number> = {};
    let known = 0;
    for (const f of analysis.features) {
      const index = this.featureIndex.get(f);
      if (index !== undefined && known < MAX_FEATURES) {
        observation[f] = index;
        known++;
      }
    }
    if (known === 0) return { intent: null, confidence: 0, ranking: [], analysis, nearest: null };

    const scores = this.classifier.classifier.getClassifications(observation);
    const total = scores.reduce((sum, s) => sum + s.value, 0);
    const ranking = scores.slice(0, 5).map((s) => ({ intent: s.label, score: total > 0 ? s.value / total : 0 }));
    const top = ranking[0]!;
    const nearest = ranking.find((r) => !this.fallbackIntents.has(r.intent))?.intent ?? null;
    const coverage = this.coverage(top.intent, analysis.content);
    const inScope =
      !this.fallbackIntents.has(top.intent) &&
      top.score >= this.options.minConfidence &&
      coverage >= this.options.minCoverage;
    return {
      intent: inScope ? top.intent : null,
      confidence: round(inScope ? top.score * Math.min(1, coverage) : 1 - top.score * coverage),
      ranking: ranking.map((r) => ({ intent: r.intent, score: round(r.score) })),
      analysis,
      nearest,
    };
  }

  /** Share of the question's content features that the intent's training utterances contain (1 if none). */
  private coverage(intent: string, content: readonly string[]): number {
    if (content.length === 0) return 1;
    const features = this.intentFeatures.get(intent);
    if (!features) return 0;
    return content.filter((f) => features.has(f)).length / content.length;
  }
}

function analyze(
  question: string,
  matcher: EntityMatcher,
  speller: SpellCorrector,
  options: RecognizerOptions,
): Analysis {
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
    if (STOP_WORDS.has(token)) continue;
    const stemmed = stem(token);
    features.push(stemmed);
    words.push(stemmed);
    if (!QUESTION_WORDS.has(token)) content.push(stemmed);
  }
  if (options.bigrams) for (let i = 1; i < words.length; i++) features.push(`${words[i - 1]}_${words[i]}`);
  return { tokens, mentions, pronouns, features: [...new Set(features)], content: [...new Set(content)] };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
