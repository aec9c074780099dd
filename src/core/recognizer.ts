import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import porterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { type BayesModel, BayesScorer, observationOrder } from './bayes.js';
import { EntityMatcher, findPronouns, type Mention, type Pronoun } from './entities.js';
import { CentroidIndex, type CentroidModel } from './ngrams.js';
import { SimilarityIndex, type WeightedText } from './similarity.js';
import { baseForms, SpellCorrector, STOP_WORDS, stem, tokenize, withoutPoliteness } from './text.js';
import type { Intent, Knowledge, Lexicon, Recognition } from './types.js';

/**
 * Words that shape a question or pad a chatty one but say nothing about its topic: features for the
 * classifier, but not content for the similarity measure (nor are the stop words), so "I was wondering, roughly how many people
 * use WeChat?" is as close to "how many people use WeChat" as it should be.
 */
/** A Han character: Chinese words are taken as written. */
const HAN = /\p{Script=Han}/u;

export const NON_CONTENT_WORDS: ReadonlySet<string> = new Set([
  'who',
  'whom',
  'whose',
  'what',
  'when',
  'where',
  'why',
  'how',
  'which',
  'many',
  'much',
  'tell',
  'about',
  'he',
  'him',
  'his',
  'she',
  'her',
  'it',
  'its',
  'they',
  'them',
  'their',
  'not',
  'no',
  'yes',
  'i',
  'me',
  'my',
  'you',
  'your',
  'we',
  'us',
  'our',
  'can',
  'could',
  'would',
  'will',
  'should',
  'do',
  'please',
  'know',
  'wondering',
  'wonder',
  'curious',
  'quick',
  'question',
  'reading',
  'read',
  'heard',
  'hear',
  'earlier',
  'today',
  'again',
  'exactly',
  'roughly',
  'basically',
  'anyway',
  'btw',
  'ok',
  'okay',
  'well',
  'now',
  'kind',
  'sort',
  'bit',
  'little',
  'maybe',
  'perhaps',
  'probably',
  'give',
  'let',
  'any',
  'some',
  'something',
  'thing',
  'things',
  'stuff',
  'one',
  'here',
  'also',
  'too',
  'very',
  'like',
  'hi',
  'hello',
  'hey',
  'thanks',
  'thank',
  'kindly',
  'appreciate',
  'grateful',
  'advance',
  'sorry',
  'silly',
  'help',
  'out',
  'mind',
  'want',
  'wanted',
  'need',
  'trying',
  'try',
  'figure',
  'quickly',
  'great',
  'good',
  'day',
  'hope',
  'doing',
  'lot',
  'much',
  'many',
  'really',
  'article',
  'piece',
  'story',
  'text',
  'news',
  'according',
  'say',
  'says',
  'said',
  'think',
  'thinks',
  'believe',
  'believes',
  'feel',
  'feels',
  'reckon',
  'mean',
  'means',
  'get',
  'gets',
  'got',
]);

/** Longer questions keep only their first features: Bayes scores are products and underflow otherwise. */
const MAX_FEATURES = 32;
/** How many intents a recognition ranks. */
const RANKED = 5;
/** Intents the char-n-gram model adds to Bayes' candidates before the three scores are combined. */
const CANDIDATES = 6;

/** How features are made, how the three models are combined, and when a question is out of scope. */
export interface RecognizerOptions {
  /** Add word-pair features ("how_mani") beside single stems. */
  bigrams: boolean;
  /** Bayes smoothing: the count given to a feature never seen with a label. Lower gives sharper posteriors. */
  smoothing: number;
  /** Weight of each model in the combined score: naive Bayes posterior, char n-gram centroid cosine, nearest utterance cosine. */
  weights: { bayes: number; chars: number; nearest: number };
  /** Weight of a WordNet synonym standing in for a word the training data lacks (1 would be the word itself). */
  synonymWeight: number;
  /** Below this combined score (0 to 1) the best intent is not trusted: out of scope. */
  minScore: number;
  /** Below this lead of the best intent over the out-of-scope intent, the question is out of scope. */
  minMargin: number;
  /** Below this share of known content words (and no entity of the article named), the question is out of scope. */
  minKnown: number;
}

export const DEFAULT_OPTIONS: RecognizerOptions = {
  bigrams: true,
  smoothing: 0.01,
  weights: { bayes: 0.15, chars: 0.45, nearest: 0.4 },
  synonymWeight: 0.5,
  minScore: 0.35,
  minMargin: 0.1,
  minKnown: 0.6,
};

/** What the recognizer read in a question: corrected tokens, entity mentions, pronouns, features. */
export interface Analysis {
  tokens: string[];
  mentions: Mention[];
  pronouns: Pronoun[];
  /** Classifier features: stems, entity ids ("@wechat") and word pairs. */
  features: string[];
  /** Content features: entity mentions and stems of words that are neither stop words nor question words. */
  content: string[];
  /** Features standing in for words the training data lacks (WordNet synonyms), weighted less. */
  synonyms: string[];
  /** The words the char n-gram model reads: corrected tokens, names spelled as the article spells them. */
  words: string[];
}

/** The intents a recognizer is trained on: their names, utterances and answers. */
export type TrainingIntents = readonly Pick<Intent, 'intent' | 'utterances' | 'answer'>[];

/** The knowledge a recognizer is trained with: the names to find, the article's words, and the answers' texts. */
export type TrainingKnowledge = Pick<Knowledge, 'people' | 'organizations' | 'places' | 'paragraphs'> &
  Partial<Pick<Knowledge, 'facts' | 'quotes'>>;

/**
 * What training learns, as plain data that survives JSON: enough to rebuild the recognizer without reading an
 * utterance again ({@link Recognizer.fromModel}). `npm run build` writes one beside the compiled code.
 */
export interface TrainedModel {
  /** Every token of the utterances, the names and the article, with how often it occurs: the speller's words. */
  vocabulary: [string, number][];
  /** natural's naive Bayes features, in its order, and what it counted. */
  features: string[];
  bayes: BayesModel;
  fallbackIntents: string[];
  /** Per training utterance: its intent and content features (the nearest-utterance index). */
  documents: { intent: string; features: string[] }[];
  centroids: CentroidModel;
  /** Content features of the in-scope utterances and the article. */
  inScopeWords: string[];
}

/** The recognizer's verdict plus what it read, so later steps need not read the question again. */
export interface RecognitionResult extends Recognition {
  analysis: Analysis;
}

/** Options that {@link Recognizer.withOptions} may change without retraining. */
export type Tunable = Pick<RecognizerOptions, 'weights' | 'synonymWeight' | 'minScore' | 'minMargin' | 'minKnown'>;

/** The lexicon of a bot with no English resources: every word unknown, no places, no synonyms. */
export const EMPTY_LEXICON: Lexicon = { words: { has: () => false }, places: new Set(), synonyms: new Map() };

/**
 * Matches a question to an intent, or to none. Three models trained on the intents' utterances each score the
 * intents: natural's naive Bayes over word stems and word pairs; TF-IDF over character n-grams with one centroid
 * per intent; and the cosine with the intent's nearest utterance over content words. Their weighted sum is the
 * score. A question is out of scope when the best intent is an out-of-scope intent (trained on questions the
 * article cannot answer: "revenue", "CEO", "weather"), when its score is low, or when it leads the out-of-scope
 * intent by too little.
 */
export class Recognizer {
  private readonly matcher: EntityMatcher;
  private readonly speller: Speller;
  private readonly expansions: Expansions;
  private readonly fallbackIntents: Set<string>;
  private readonly featureIndex: Map<string, number>;
  /** Scores of the questions being answered; dropped with their analyses. */
  private scorings = new WeakMap<Analysis, Map<Analysis | null, Scoring | null>>();
  private readonly scorer: BayesScorer;
  private readonly similarity: SimilarityIndex;
  private readonly centroids: CentroidIndex;
  /** Content features of the in-scope utterances and the article: what the bot can answer about. */
  private readonly inScopeWords: ReadonlySet<string>;

  /** `readers`: those that read the training utterances, when it was just trained; made from the model otherwise. */
  private constructor(
    knowledge: TrainingKnowledge,
    model: TrainedModel,
    /** The English words, places and synonyms it was trained with. */
    readonly lexicon: Lexicon,
    readonly options: RecognizerOptions,
    readers: QuestionReaders = questionReaders(knowledge, new Map(model.vocabulary), lexicon),
  ) {
    this.matcher = readers.matcher;
    this.speller = readers.speller;
    this.expansions = readers.expansions;
    this.fallbackIntents = new Set(model.fallbackIntents);
    this.featureIndex = new Map(model.features.map((f, i) => [f, i]));
    this.scorer = new BayesScorer(model.bayes, this.featureIndex.size);
    this.similarity = new SimilarityIndex(model.documents);
    this.centroids = new CentroidIndex(model.centroids);
    this.inScopeWords = new Set(model.inScopeWords);
  }

  /**
   * Trains on every utterance of every intent. Intents whose answer is `fallback` teach "out of scope".
   * `lexicon` holds English words (a word in it is never "corrected", so "movie" stays "movie" while "numbr"
   * becomes "number"), place names and WordNet synonyms.
   */
  static train(
    intents: TrainingIntents,
    knowledge: TrainingKnowledge,
    lexicon: Lexicon,
    options: RecognizerOptions = DEFAULT_OPTIONS,
  ): Recognizer {
    const { model, readers } = learnWithReaders(intents, knowledge, lexicon, options);
    return new Recognizer(knowledge, model, lexicon, options, readers);
  }

  /**
   * The recognizer of a model {@link Recognizer.learn} made, given the same knowledge, lexicon and options it
   * was learned with: the same recognizer {@link Recognizer.train} returns, without reading an utterance.
   */
  static fromModel(
    model: TrainedModel,
    knowledge: TrainingKnowledge,
    lexicon: Lexicon,
    options: RecognizerOptions = DEFAULT_OPTIONS,
  ): Recognizer {
    return new Recognizer(knowledge, model, lexicon, options);
  }

  /** What {@link Recognizer.train} learns from the intents, as plain data (see {@link TrainedModel}). */
  static learn(
    intents: TrainingIntents,
    knowledge: TrainingKnowledge,
    lexicon: Lexicon,
    options: RecognizerOptions = DEFAULT_OPTIONS,
  ): TrainedModel {
    return learnWithReaders(intents, knowledge, lexicon, options).model;
  }

  /** Number of distinct features the classifier was trained on. */
  get featureCount(): number {
    return this.featureIndex.size;
  }

  /** The same trained recognizer with other weights and thresholds (for tuning; training is shared). */
  withOptions(tunable: Partial<Tunable>): Recognizer {
    const copy = Object.create(Recognizer.prototype) as Recognizer;
    Object.assign(copy, this, { options: { ...this.options, ...tunable }, scorings: new WeakMap() });
    return copy;
  }

  /** Tokenizes, corrects spelling, finds entities and pronouns, and makes the models' features. */
  analyze(question: string): Analysis {
    return analyze(question, this.matcher, this.speller, this.expansions, this.options);
  }

  /** The intent of a question, or `intent: null` when it is out of scope. */
  recognize(question: string): RecognitionResult {
    return this.recognizeAnalysis(this.analyze(question));
  }

  /**
   * The intent of an analysed question. `context`, when given, is the analysis of the conversation's last
   * question: its content stands in, at half weight, for the topic a short follow-up leaves out.
   */
  recognizeAnalysis(analysis: Analysis, context?: Analysis): RecognitionResult {
    const ranking = this.rank(analysis, context);
    const top = ranking[0];
    if (!top) return { intent: null, confidence: 1, ranking: [], analysis };
    const outOfScope = ranking.find((r) => this.fallbackIntents.has(r.intent));
    const margin = top.score - (outOfScope && outOfScope !== top ? outOfScope.score : 0);
    // The thresholds were chosen on data with out-of-scope examples; data without any declares a closed world,
    // where every question is one of its intents.
    const rejects = this.fallbackIntents.size > 0;
    const inScope =
      !this.fallbackIntents.has(top.intent) &&
      (!rejects ||
        (top.score >= this.options.minScore &&
          margin >= this.options.minMargin &&
          (context !== undefined || this.knownShare(analysis) >= this.options.minKnown)));
    return {
      intent: inScope ? top.intent : null,
      confidence: round(inScope ? top.score : 1 - top.score),
      ranking: ranking.slice(0, RANKED).map((r) => ({ intent: r.intent, score: round(r.score) })),
      analysis,
    };
  }

  /**
   * The share of a question's content words that the bot knows (from its utterances or the article, directly or
   * through a synonym). "How does photosynthesis work?" is mostly words it has never seen; a question naming one
   * of the article's entities counts as known however else it is worded.
   */
  knownShare(analysis: Analysis): number {
    const { content } = analysis;
    if (content.length === 0 || content.some((f) => f.startsWith('@'))) return 1;
    let known = 0;
    for (const f of content) if (this.inScopeWords.has(f)) known++;
    const covered = analysis.synonyms.filter((s) => this.inScopeWords.has(s)).length;
    return Math.min(1, (known + SYNONYM_COVERS * covered) / content.length);
  }

  /**
   * Combined scores (0 to 1), best first: of the intents Bayes and the char n-gram model rank highest, or of
   * `only` when given (to choose among some intents, as a comparison of two entities does).
   */
  rank(analysis: Analysis, context?: Analysis, only?: readonly string[]): { intent: string; score: number }[] {
    const scoring = this.scoring(analysis, context);
    if (!scoring) return [];
    const { weights } = this.options;
    const sum = weights.bayes + weights.chars + weights.nearest;
    const score = (intent: string) => {
      let nearest = scoring.nearest.get(intent);
      if (nearest === undefined) {
        nearest = this.similarity.nearestTo(intent, scoring.query);
        scoring.nearest.set(intent, nearest);
      }
      const bayes = scoring.total > 0 ? (scoring.bayes.get(intent) ?? 0) / scoring.total : 0;
      return (
        (weights.bayes * bayes + weights.chars * (scoring.chars.get(intent) ?? 0) + weights.nearest * nearest) / sum
      );
    };
    const candidates = only ?? scoring.candidates;
    return candidates.map((intent) => ({ intent, score: score(intent) })).sort((a, b) => b.score - a.score);
  }

  /**
   * What scoring a question needs, computed once per question (and context): a turn ranks the same question
   * several times, against all intents and against the intents of one entity.
   */
  private scoring(analysis: Analysis, context?: Analysis): Scoring | null {
    let byContext = this.scorings.get(analysis);
    if (!byContext) {
      byContext = new Map();
      this.scorings.set(analysis, byContext);
    }
    const cached = byContext.get(context ?? null);
    if (cached !== undefined) return cached;
    const extra = context ? context.content.filter((f) => !analysis.content.includes(f)) : [];
    const weightOf = new Map<string, number>();
    for (const f of extra) weightOf.set(f, CONTEXT_WEIGHT);
    for (const f of analysis.synonyms) if (!weightOf.has(f)) weightOf.set(f, this.options.synonymWeight);
    const observed = observationOrder(
      [...analysis.features, ...extra, ...analysis.synonyms],
      this.featureIndex,
      MAX_FEATURES,
    );
    let scoring: Scoring | null = null;
    if (observed.length > 0 || analysis.words.length > 0) {
      const indexWeights = new Map<number, number>();
      for (const [f, w] of weightOf) {
        const index = this.featureIndex.get(f);
        if (index !== undefined) indexWeights.set(index, w);
      }
      const { scores: bayes, total } = this.scorer.weighted(observed, indexWeights);
      const charScores = this.centroids.scores(context ? [...analysis.words, ...context.words] : analysis.words);
      const chars = new Map(this.centroids.labels.map((label, l) => [label, charScores[l]!]));
      const candidates = new Set<string>(topLabels(bayes, RANKED));
      for (const label of topLabels(chars, CANDIDATES)) candidates.add(label);
      const content = [...analysis.content, ...extra, ...analysis.synonyms];
      const query = this.similarity.query(content, weightOf);
      scoring = { bayes, total, chars, candidates: [...candidates], query, nearest: new Map() };
    }
    byContext.set(context ?? null, scoring);
    return scoring;
  }
}

/** A question's scores from each model, kept while the question is being answered. */
interface Scoring {
  bayes: Map<string, number>;
  total: number;
  chars: Map<string, number>;
  /** The intents Bayes and the char n-gram model rank highest. */
  candidates: string[];
  /** The question's content (and the context's, and synonyms) weighed for the nearest-utterance measure. */
  query: WeightedText;
  /** Nearest-utterance similarity per intent, computed when first asked. */
  nearest: Map<string, number>;
}

/** Every token of the intents' utterances and the article: the words the bot knows, for WordNet to find synonyms of. */
export function trainingVocabulary(
  intents: readonly Pick<Intent, 'utterances'>[],
  knowledge: Pick<Knowledge, 'paragraphs'>,
): Set<string> {
  const words = new Set<string>();
  for (const intent of intents) for (const u of intent.utterances) for (const t of tokenize(u)) words.add(t);
  for (const p of knowledge.paragraphs) for (const t of tokenize(p.text)) words.add(t);
  return words;
}

/** Corrections remembered by the speller before it starts again. */
const MAX_MEMO = 20_000;

/** How much of an unknown word a WordNet synonym the bot knows stands in for, in {@link Recognizer.knownShare}. */
const SYNONYM_COVERS = 0.5;

/** Weight of the last question's content in a follow-up that has no topic of its own. */
const CONTEXT_WEIGHT = 0.5;

/** The `n` labels with the highest scores, highest first. */
function topLabels(scores: ReadonlyMap<string, number>, n: number): string[] {
  const best: [string, number][] = [];
  for (const entry of scores) {
    if (best.length === n && entry[1] <= best[n - 1]![1]) continue;
    let at = Math.min(best.length, n - 1);
    if (best.length < n) best.push(entry);
    else best[at] = entry;
    while (at > 0 && best[at - 1]![1] < entry[1]) {
      best[at] = best[at - 1]!;
      best[at - 1] = entry;
      at--;
    }
  }
  return best.map(([label]) => label);
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

/** Trains on the intents' utterances (see {@link Recognizer.train}): the model, and the readers that read them. */
function learnWithReaders(
  intents: TrainingIntents,
  knowledge: TrainingKnowledge,
  lexicon: Lexicon,
  options: RecognizerOptions,
): { model: TrainedModel; readers: QuestionReaders } {
  const vocabulary = new Map<string, number>();
  const count = (t: string) => vocabulary.set(t, (vocabulary.get(t) ?? 0) + 1);
  for (const intent of intents) for (const u of intent.utterances) tokenize(u).forEach(count);
  const { matcher, speller, expansions } = questionReaders(knowledge, vocabulary, lexicon, count);

  const classifier = new BayesClassifier(porterStemmer, options.smoothing);
  const documents: { intent: string; features: string[] }[] = [];
  const texts: { label: string; words: string[] }[] = [];
  // An intent's own answer, its facts' statements and its quotes, is trained on as well: questions often
  // use the answer's words ("founded", "joint venture", "two identities").
  const statements = new Map((knowledge.facts ?? []).map((f) => [f.id, f.statement]));
  const quoted = new Map((knowledge.quotes ?? []).map((q) => [q.id, q.text]));
  for (const intent of intents) {
    const answers = [
      ...(intent.answer.facts ?? []).flatMap((id) => statements.get(id) ?? []),
      ...(intent.answer.quotes ?? []).flatMap((id) => quoted.get(id) ?? []),
    ];
    for (const utterance of [...intent.utterances, ...answers]) {
      const analysis = analyze(utterance, matcher, speller, expansions, options);
      if (analysis.features.length === 0) continue;
      classifier.addDocument(analysis.features, intent.intent);
      documents.push({ intent: intent.intent, features: analysis.content });
      texts.push({ label: intent.intent, words: analysis.words });
    }
  }
  trainQuickly(classifier);
  const fallbackIntents = intents.filter((i) => i.answer.fallback).map((i) => i.intent);
  const inScopeWords = new Set<string>();
  for (const d of documents) if (!fallbackIntents.includes(d.intent)) for (const f of d.features) inScopeWords.add(f);
  for (const p of knowledge.paragraphs)
    for (const f of analyze(p.text, matcher, speller, expansions, options).content) inScopeWords.add(f);
  const { classFeatures, classTotals, totalExamples, smoothing } = classifier.classifier;
  const model: TrainedModel = {
    vocabulary: [...vocabulary],
    features: Object.keys(classifier.features),
    bayes: { classFeatures, classTotals, totalExamples, smoothing },
    fallbackIntents,
    documents,
    centroids: CentroidIndex.learn(texts),
    inScopeWords: [...inScopeWords],
  };
  return { model, readers: { matcher, speller, expansions } };
}

/** What reads a question before the models score it: see {@link questionReaders}. */
interface QuestionReaders {
  matcher: EntityMatcher;
  speller: Speller;
  expansions: Expansions;
}

/**
 * What reads a question before the models score it: the entity matcher, the speller and the synonym expansions.
 * `count`, when given, is told every token of the names and the article (training counts them into the vocabulary).
 */
function questionReaders(
  knowledge: TrainingKnowledge,
  vocabulary: Map<string, number>,
  lexicon: Lexicon,
  count?: (token: string) => void,
): QuestionReaders {
  const matcher = new EntityMatcher(knowledge);
  const nameTokens = matcher.nameTokens();
  const articleTokens = knowledge.paragraphs.flatMap((p) => tokenize(p.text));
  if (count) {
    nameTokens.forEach(count);
    articleTokens.forEach(count);
  }
  const speller = new Speller(vocabulary, new Set([...articleTokens, ...nameTokens]), nameTokens, lexicon);
  return { matcher, speller, expansions: new Expansions(lexicon, new Set(vocabulary.keys())) };
}

/**
 * Spelling correction for questions and training utterances alike. Words of the article, names, English
 * words and proper nouns the lexicon knows are taken as written. Anything else is first tried against the
 * names ("linkedn", "he maio"), then against the clean words the bot knows (the article's, and the English
 * words of the training utterances), so a typo in a question and the same typo in training both become the word.
 */
class Speller {
  private readonly names: SpellCorrector;
  private readonly words: SpellCorrector;
  /** Tokens already corrected (or found correct): questions keep using the same few thousand words. */
  private readonly memo = new Map<string, string>();

  /** `trusted`: the article's words and the names, taken as written like English words. */
  constructor(
    vocabulary: Map<string, number>,
    private readonly trusted: ReadonlySet<string>,
    nameTokens: readonly string[],
    private readonly lexicon: Lexicon,
  ) {
    this.names = new SpellCorrector(new Map(nameTokens.map((t) => [t, 1])), true);
    const clean = new Map([...vocabulary].filter(([word]) => this.isWord(word)));
    this.words = new SpellCorrector(clean);
  }

  isWord(token: string): boolean {
    return this.trusted.has(token) || this.lexicon.words.has(token);
  }

  correct(token: string): string {
    let corrected = this.memo.get(token);
    if (corrected === undefined) {
      // Chinese words are not spelled: the gloss has read those it knows, the characters of the rest are features.
      corrected = this.isWord(token) || HAN.test(token) ? token : this.names.correct(token);
      if (corrected === token && !this.isWord(token)) corrected = this.words.correct(token);
      // Unbounded input (every distinct typo) must not grow the memory without limit.
      if (this.memo.size >= MAX_MEMO) this.memo.clear();
      this.memo.set(token, corrected);
    }
    return corrected;
  }
}

/**
 * WordNet synonyms for words the training data lacks: "customers" has no utterance, but WordNet puts one of
 * its first senses with "clients"... and "users" is not among them, while "boss" shares a sense with "chief".
 * Only words of the training vocabulary come out, stemmed as features.
 */
class Expansions {
  private readonly memo = new Map<string, string[]>();

  constructor(
    private readonly lexicon: Lexicon,
    private readonly vocabulary: ReadonlySet<string>,
  ) {}

  /** Feature stems standing in for `token`, or none when the token is known or has no synonym. */
  of(token: string): string[] {
    if (this.vocabulary.has(token) || token.length < 3) return [];
    let out = this.memo.get(token);
    if (out === undefined) {
      const found = new Set<string>();
      for (const form of baseForms(token)) {
        if (this.vocabulary.has(form) && form !== token) found.add(stem(form));
        for (const word of this.lexicon.synonyms.get(form) ?? []) found.add(stem(word));
      }
      out = [...found];
      if (this.memo.size > 10_000) this.memo.clear();
      this.memo.set(token, out);
    }
    return out;
  }
}

function analyze(
  question: string,
  matcher: EntityMatcher,
  speller: Speller,
  expansions: Expansions,
  options: RecognizerOptions,
): Analysis {
  const raw = withoutPoliteness(tokenize(question));
  // Names are found before spelling is corrected, so "derek sheen" is not first "corrected" to another word.
  const named = matcher.find(raw);
  const tokens = raw.map((t, i) => (named.some((m) => i >= m.start && i < m.end) ? t : speller.correct(t)));
  const mentions = tokens.every((t, i) => t === raw[i]) ? named : matcher.find(tokens);
  const pronouns = findPronouns(tokens, mentions);
  const features: string[] = [];
  const content: string[] = [];
  const synonyms: string[] = [];
  const stems: string[] = [];
  const words: string[] = [];
  let m = 0;
  for (let i = 0; i < tokens.length; i++) {
    const mention = mentions[m];
    if (mention && i === mention.start) {
      const feature = `@${mention.id}`;
      features.push(feature);
      content.push(feature);
      stems.push(feature);
      words.push(mention.id);
      i = mention.end - 1;
      m++;
      continue;
    }
    const token = tokens[i]!;
    const stemmed = stem(token);
    features.push(stemmed);
    stems.push(stemmed);
    words.push(token);
    if (STOP_WORDS.has(token) || NON_CONTENT_WORDS.has(token)) continue;
    content.push(stemmed);
    for (const s of expansions.of(token)) if (s !== stemmed) synonyms.push(s);
  }
  if (options.bigrams) for (let i = 1; i < stems.length; i++) features.push(`${stems[i - 1]}_${stems[i]}`);
  return {
    tokens,
    mentions,
    pronouns,
    features: [...new Set(features)],
    content: [...new Set(content)],
    synonyms: [...new Set(synonyms)].filter((s) => !content.includes(s)),
    words,
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
