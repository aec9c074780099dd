/** A text's content features weighted by inverse document frequency, and the vector's length. */
interface WeightedText {
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
  private readonly utterances = new Map<string, WeightedText[]>();
  private readonly unseenIdf: number;

  /** `documents`: per training utterance, its intent and content features. */
  constructor(documents: readonly { intent: string; features: readonly string[] }[]) {
    const df = new Map<string, number>();
    for (const d of documents) for (const f of new Set(d.features)) df.set(f, (df.get(f) ?? 0) + 1);
    const n = documents.length;
    for (const [f, count] of df) this.idf.set(f, Math.log((n + 1) / (count + 1)) + 1);
    this.unseenIdf = Math.log(n + 1) + 1;
    for (const d of documents) {
      if (d.features.length === 0) continue;
      const list = this.utterances.get(d.intent) ?? [];
      list.push(this.weigh(d.features));
      this.utterances.set(d.intent, list);
    }
  }

  private weigh(features: readonly string[]): WeightedText {
    const weights = new Map<string, number>();
    for (const f of features) weights.set(f, this.idf.get(f) ?? this.unseenIdf);
    let sum = 0;
    for (const w of weights.values()) sum += w * w;
    return { weights, norm: Math.sqrt(sum) };
  }

  /** Best cosine similarity (0 to 1) between `features` and one utterance of `intent`; 1 when `features` is empty. */
  nearest(intent: string, features: readonly string[]): number {
    if (features.length === 0) return 1;
    const q = this.weigh(features);
    let best = 0;
    for (const u of this.utterances.get(intent) ?? []) {
      let dot = 0;
      for (const [f, w] of q.weights) dot += w * (u.weights.get(f) ?? 0);
      best = Math.max(best, dot / (q.norm * u.norm));
    }
    return best;
  }
}
