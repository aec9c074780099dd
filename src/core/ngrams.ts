/** Shortest and longest character n-grams taken from a word. */
const MIN_N = 2;
const MAX_N = 4;
/** N-grams are hashed into this many buckets (the hashing trick): no strings are made for them. */
const BUCKETS = 1 << 18;
const MASK = BUCKETS - 1;

/** N-grams found in more than this share of the utterances are not scored. */
const COMMON_SHARE = 0.25;

/** Reused for every text: the n-gram buckets of the words being read (grown when a text needs more). */
let scratch = new Int32Array(1024);

/**
 * Hashes the character n-grams (2 to 4 characters) of the words into {@link scratch}, each word's boundaries
 * marked by a space, so "users" gives " u", "us", ..., "rs " and its 3- and 4-grams; returns how many there are.
 */
function hashNgrams(words: readonly string[]): number {
  let length = 0;
  for (const word of words) {
    const needed = length + (word.length + 2) * (MAX_N - MIN_N + 1);
    if (needed > scratch.length) {
      const grown = new Int32Array(Math.max(needed, scratch.length * 2));
      grown.set(scratch.subarray(0, length));
      scratch = grown;
    }
    const last = word.length + 1;
    for (let start = 0; start <= last; start++) {
      let h = 2166136261;
      for (let n = 1; n <= MAX_N && start + n - 1 <= last; n++) {
        const i = start + n - 1;
        const code = i === 0 || i === last ? 32 : word.charCodeAt(i - 1);
        h = Math.imul(h ^ code, 16777619);
        if (n >= MIN_N) scratch[length++] = (h ^ n) & MASK;
      }
    }
  }
  return length;
}

/** Sublinear term frequencies, 1 + ln(count), for small counts. */
const LOG_TABLE = Float64Array.from({ length: 16 }, (_, count) => (count === 0 ? 0 : 1 + Math.log(count)));

/** The distinct hashed n-grams of the words, with how often each occurs. */
export function charNgrams(words: readonly string[]): { buckets: number[]; counts: number[] } {
  const length = hashNgrams(words);
  const sorted = scratch.subarray(0, length).sort();
  const buckets: number[] = [];
  const counts: number[] = [];
  for (let k = 0; k < length; k++) {
    const g = sorted[k]!;
    if (k > 0 && sorted[k - 1] === g) counts[counts.length - 1]!++;
    else {
      buckets.push(g);
      counts.push(1);
    }
  }
  return { buckets, counts };
}

/**
 * What {@link CentroidIndex} learns from its documents, as plain data (a trained model file holds it): the
 * n-grams' IDF weights, and each label's centroid as its non-zero buckets and weights.
 */
export interface CentroidModel {
  labels: string[];
  idf: SparseVector;
  centroids: SparseVector[];
}

/** Non-zero buckets and their weights, at the precision the index keeps them. */
export interface SparseVector {
  buckets: Int32Array;
  weights: Float32Array;
}

/**
 * TF-IDF over character n-grams with one centroid per label: the mean of the label's unit-length document
 * vectors, itself made unit length. A question scores the cosine of its vector with each centroid. This is the
 * method that generalized best to unseen paraphrases on small intent sets (the Braun et al. corpora; see
 * README), because misspellings, inflections and compounds share most of their n-grams with the right word.
 */
export class CentroidIndex {
  private readonly idf = new Float32Array(BUCKETS);
  readonly labels: string[];
  /** The centroids as an inverted index, bucket by bucket: `labelsOf[starts[b]..starts[b + 1])` and their weights. */
  private readonly starts = new Int32Array(BUCKETS + 1);
  private readonly labelsOf: Int32Array;
  private readonly weightsOf: Float32Array;
  private readonly sums: Float64Array;

  /** `documents`: per training utterance, its label and words. */
  static learn(documents: readonly { label: string; words: readonly string[] }[]): CentroidModel {
    const counted = documents.map((d) => charNgrams(d.words));
    const df = new Int32Array(BUCKETS);
    for (const c of counted) for (const b of c.buckets) df[b]!++;
    const n = documents.length;
    // N-grams in more than a share of the utterances ("ow", " w") add about the same to every label and cost the
    // most to score: they are left out (idf 0), as stop words are.
    const common = Math.max(2, n * COMMON_SHARE);
    const idf = new Float32Array(BUCKETS);
    const idfBuckets: number[] = [];
    for (let b = 0; b < BUCKETS; b++)
      if (df[b]! > 0 && df[b]! <= common) {
        idf[b] = Math.log((n + 1) / (df[b]! + 1)) + 1;
        idfBuckets.push(b);
      }

    const labels = [...new Set(documents.map((d) => d.label))];
    // Each label's centroid is summed in one dense array (reused label after label), then kept sparse.
    const byLabel = labels.map(() => [] as number[]);
    const labelIndex = new Map(labels.map((l, i) => [l, i]));
    documents.forEach((d, i) => {
      byLabel[labelIndex.get(d.label)!]!.push(i);
    });
    const dense = new Float64Array(BUCKETS);
    const centroids: CentroidModel['centroids'] = [];
    for (const docs of byLabel) {
      const touched: number[] = [];
      for (const i of docs) {
        const { buckets, weights } = vector(counted[i]!, idf);
        for (let k = 0; k < buckets.length; k++) {
          const b = buckets[k]!;
          if (dense[b] === 0) touched.push(b);
          dense[b] = dense[b]! + weights[k]!;
        }
      }
      let norm = 0;
      for (const b of touched) norm += dense[b]! * dense[b]!;
      norm = Math.sqrt(norm) || 1;
      centroids.push({
        buckets: Int32Array.from(touched),
        weights: Float32Array.from(touched, (b) => dense[b]! / norm),
      });
      for (const b of touched) dense[b] = 0;
    }
    const idfWeights = Float32Array.from(idfBuckets, (b) => idf[b]!);
    return { labels, idf: { buckets: Int32Array.from(idfBuckets), weights: idfWeights }, centroids };
  }

  /** The index of a learned model: {@link CentroidIndex.learn}'s, or one read back from a model file. */
  constructor(model: CentroidModel) {
    model.idf.buckets.forEach((b, k) => {
      this.idf[b] = model.idf.weights[k]!;
    });
    this.labels = model.labels;
    // Counted first, then placed: bucket by bucket, labels in order.
    let total = 0;
    for (const c of model.centroids) {
      for (const b of c.buckets) this.starts[b + 1]!++;
      total += c.buckets.length;
    }
    for (let b = 0; b < BUCKETS; b++) this.starts[b + 1]! += this.starts[b]!;
    this.labelsOf = new Int32Array(total);
    this.weightsOf = new Float32Array(total);
    const filled = this.starts.slice(0, BUCKETS);
    model.centroids.forEach((c, label) => {
      for (let k = 0; k < c.buckets.length; k++) {
        const at = filled[c.buckets[k]!]!++;
        this.labelsOf[at] = label;
        this.weightsOf[at] = c.weights[k]!;
      }
    });
    this.sums = new Float64Array(this.labels.length);
  }

  /** Cosine similarity (0 to 1) of the words to every label's centroid, in the order of {@link labels}. */
  scores(words: readonly string[]): Float64Array {
    // One pass over the sorted n-grams: each distinct one weighed and added in; the cosine's division by the
    // question's length comes last, since it scales every label alike.
    const length = hashNgrams(words);
    const sorted = scratch.subarray(0, length).sort();
    const sums = this.sums;
    sums.fill(0);
    let norm = 0;
    for (let k = 0; k < length; ) {
      const bucket = sorted[k]!;
      let count = 1;
      while (k + count < length && sorted[k + count] === bucket) count++;
      k += count;
      const idf = this.idf[bucket]!;
      if (idf === 0) continue;
      const w = (count < LOG_TABLE.length ? LOG_TABLE[count]! : 1 + Math.log(count)) * idf;
      norm += w * w;
      const end = this.starts[bucket + 1]!;
      for (let e = this.starts[bucket]!; e < end; e++) {
        const l = this.labelsOf[e]!;
        sums[l] = sums[l]! + w * this.weightsOf[e]!;
      }
    }
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let l = 0; l < sums.length; l++) sums[l] = sums[l]! * scale;
    }
    return sums;
  }
}

/** Unit-length TF-IDF vector (sublinear term frequency); n-grams no utterance has are left out. */
function vector(
  c: { buckets: number[]; counts: number[] },
  idf: Float32Array,
): { buckets: number[]; weights: number[] } {
  const buckets: number[] = [];
  const weights: number[] = [];
  let norm = 0;
  c.buckets.forEach((b, k) => {
    const weight = idf[b]!;
    if (weight === 0) return;
    const w = (1 + Math.log(c.counts[k]!)) * weight;
    buckets.push(b);
    weights.push(w);
    norm += w * w;
  });
  norm = Math.sqrt(norm) || 1;
  for (let k = 0; k < weights.length; k++) weights[k] = weights[k]! / norm;
  return { buckets, weights };
}
