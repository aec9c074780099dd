/** A text's content features weighted by inverse document frequency, and the vector's length. */
export interface WeightedText {
  weights: Map<string, number>;
  norm: number;
}

/**
 * Nearest-utterance similarity: the best cosine similarity between a question and one training utterance
 * of an intent, over content features weighted by inverse document frequency (rare words weigh most; words
 * no utterance has weigh most of all). A question that resembles none of an intent's utterances is unlikely
 * to mean that intent, however the Bayes scores fall: "How many employees does Tianji have?" is mostly
 * "employees", which no Tianji utterance has.
 */
export class SimilarityIndex {
  private readonly idf = new Map<string, number>();
  private readonly intents = new Map<string, IntentUtterances>();
  private readonly unseenIdf: number;
  /** Per-utterance dot products of the question being scored, reused across calls. */
  private dots = new Float64Array(0);

  /** `documents`: per training utterance, its intent and content features. */
  constructor(documents: readonly { intent: string; features: readonly string[] }[]) {
    const df = new Map<string, number>();
    for (const d of documents) for (const f of new Set(d.features)) df.set(f, (df.get(f) ?? 0) + 1);
    const n = documents.length;
    for (const [f, count] of df) this.idf.set(f, Math.log((n + 1) / (count + 1)) + 1);
    // A word no utterance has counts as much as a word of middling rarity: it may be a paraphrase ("customers")
    // as well as a change of subject, and it must not by itself sink a question that is otherwise clear.
    const idfs = [...this.idf.values()].sort((a, b) => a - b);
    this.unseenIdf = idfs.length > 0 ? idfs[Math.floor(idfs.length / 2)]! : 1;
    const byIntent = new Map<string, WeightedText[]>();
    for (const d of documents) {
      if (d.features.length === 0) continue;
      const list = byIntent.get(d.intent) ?? [];
      list.push(this.weigh(d.features));
      byIntent.set(d.intent, list);
    }
    for (const [intent, texts] of byIntent) {
      this.intents.set(intent, invert(texts));
      if (texts.length > this.dots.length) this.dots = new Float64Array(texts.length);
    }
  }

  private weigh(features: readonly string[], scale?: ReadonlyMap<string, number>): WeightedText {
    const weights = new Map<string, number>();
    for (const f of features) weights.set(f, (this.idf.get(f) ?? this.unseenIdf) * (scale?.get(f) ?? 1));
    let sum = 0;
    for (const w of weights.values()) sum += w * w;
    return { weights, norm: Math.sqrt(sum) };
  }

  /**
   * Best cosine similarity (0 to 1) between `features` and one utterance of `intent`; 1 when `features` is empty.
   * `scale` weighs some features less than their IDF (synonyms, the context of a follow-up).
   */
  nearest(intent: string, features: readonly string[], scale?: ReadonlyMap<string, number>): number {
    return this.nearestTo(intent, this.query(features, scale));
  }

  /** A question's features weighed once, for {@link nearestTo} against several intents. */
  query(features: readonly string[], scale?: ReadonlyMap<string, number>): WeightedText {
    return this.weigh(features, scale);
  }

  /** {@link nearest} for a question already weighed. */
  nearestTo(intent: string, q: WeightedText): number {
    if (q.weights.size === 0) return 1;
    const index = this.intents.get(intent);
    if (!index) return 0;
    // Only the utterances that share a feature with the question get a non-zero product, so the products
    // are summed feature by feature over those; each is summed in the question's feature order, as a
    // loop over all utterances and all features would, so the result is the same to the bit.
    const dots = this.dots;
    dots.fill(0, 0, index.norms.length);
    for (const [f, w] of q.weights) {
      const postings = index.postings.get(f);
      if (!postings) continue;
      for (let k = 0; k < postings.utterances.length; k++) {
        const u = postings.utterances[k]!;
        dots[u] = dots[u]! + w * postings.weights[k]!;
      }
    }
    let best = 0;
    for (let u = 0; u < index.norms.length; u++) best = Math.max(best, dots[u]! / (q.norm * index.norms[u]!));
    return best;
  }
}

/** An intent's utterances as an inverted index: per feature, which utterances have it and with what weight. */
interface IntentUtterances {
  norms: Float64Array;
  postings: Map<string, { utterances: Int32Array; weights: Float64Array }>;
}

function invert(texts: readonly WeightedText[]): IntentUtterances {
  const lists = new Map<string, { utterances: number[]; weights: number[] }>();
  texts.forEach((text, u) => {
    for (const [f, w] of text.weights) {
      const list = lists.get(f) ?? { utterances: [], weights: [] };
      list.utterances.push(u);
      list.weights.push(w);
      lists.set(f, list);
    }
  });
  const postings = new Map<string, { utterances: Int32Array; weights: Float64Array }>();
  for (const [f, list] of lists) {
    postings.set(f, { utterances: Int32Array.from(list.utterances), weights: Float64Array.from(list.weights) });
  }
  return { norms: Float64Array.from(texts.map((t) => t.norm)), postings };
}
