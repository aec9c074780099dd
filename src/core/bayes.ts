/** The parts of natural's trained naive Bayes model (its `apparatus` dependency) that scoring reads. */
export interface BayesModel {
  /** Per label: feature index -> count, for the features seen with that label. */
  classFeatures: Record<string, Record<string, number>>;
  /** Per label: number of examples, plus one. */
  classTotals: Record<string, number>;
  totalExamples: number;
  smoothing: number;
}

/** A label and its unnormalised posterior score, as natural's `getClassifications()` returns them. */
export interface LabelScore {
  label: string;
  value: number;
}

/**
 * Scores an observation against a trained natural naive Bayes model with exactly natural's arithmetic, only
 * faster. natural's `getClassifications()` looks every feature up in every label's sparse count object and
 * takes a logarithm each time (labels x features lookups and logs per question: about half of answering
 * time); here the logarithms are taken once, at construction, into one row per feature, and a question adds
 * up its features' rows. The terms are added in natural's order, so the scores are the same numbers to the
 * last bit (a test compares the two). The table holds labels x features numbers: 40 x 6,700, 2 MB, here.
 */
export class BayesScorer {
  private readonly labels: string[] = [];
  /** Per label: its share of the training examples, and that share's logarithm. */
  private readonly priors: Float64Array;
  private readonly logPriors: Float64Array;
  /** Row f, at f * labels: log(count / total) of feature f for each label, log(smoothing / total) if unseen. */
  private readonly logs: Float64Array;
  /** Scratch, reused: the running sums, and the labels and scores sorted. */
  private readonly sums: Float64Array;
  private readonly order: Int32Array;
  private readonly sorted: Float64Array;

  constructor(model: BayesModel, featureCount: number) {
    // natural walks the labels with for...in; so does this, to list them in the same order.
    for (const label in model.classFeatures) this.labels.push(label);
    const n = this.labels.length;
    this.priors = new Float64Array(n);
    this.sums = new Float64Array(n);
    this.order = new Int32Array(n);
    this.sorted = new Float64Array(n);
    const unseen = new Float64Array(n);
    this.logPriors = new Float64Array(n);
    this.labels.forEach((label, l) => {
      const total = model.classTotals[label]!;
      this.priors[l] = total / model.totalExamples;
      this.logPriors[l] = Math.log(this.priors[l]!);
      unseen[l] = Math.log(model.smoothing / total);
    });
    this.logs = new Float64Array(featureCount * n);
    for (let f = 0; f < featureCount; f++) this.logs.set(unseen, f * n);
    this.labels.forEach((label, l) => {
      const total = model.classTotals[label]!;
      const counts = model.classFeatures[label]!;
      for (const key in counts) {
        const f = Number(key);
        if (!(f < featureCount)) throw new Error(`Bayes model: feature index ${key} out of range`);
        this.logs[f * n + l] = Math.log((counts[key] || model.smoothing) / total);
      }
    });
  }

  /**
   * Every label's score, and their sum, for features that may carry weights other than 1 (a synonym standing in
   * for an unknown word counts half): each feature's log-probability is multiplied by its weight. The scores
   * are scaled by the best one, so they are shares of the posterior rather than natural's raw values.
   */
  weighted(
    features: readonly number[],
    weights: ReadonlyMap<number, number>,
  ): { scores: Map<string, number>; total: number } {
    const { logs, sums } = this;
    const n = sums.length;
    sums.fill(0);
    for (const f of features) {
      const row = f * n;
      const w = weights.get(f) ?? 1;
      for (let l = 0; l < n; l++) sums[l] = sums[l]! + w * logs[row + l]!;
    }
    // Scaled by the best log score before exponentiating, so a long question does not underflow to all zeros;
    // the scale cancels out of every posterior share.
    let max = -Infinity;
    for (let l = 0; l < n; l++) {
      sums[l] = sums[l]! + this.logPriors[l]!;
      if (sums[l]! > max) max = sums[l]!;
    }
    const scores = new Map<string, number>();
    let total = 0;
    for (let l = 0; l < n; l++) {
      const value = Math.exp(sums[l]! - max);
      scores.set(this.labels[l]!, value);
      total += value;
    }
    return { scores, total };
  }

  /**
   * The `top` labels with the highest scores, highest first (ties in label order), and the sum of all the
   * scores: what natural's `getClassifications()` list gives for an observation of these feature indices in
   * this order, and that list's scores summed from the first to the last.
   */
  classify(features: readonly number[], top: number): { top: LabelScore[]; total: number } {
    const { logs, sums, order, sorted } = this;
    const n = sums.length;
    sums.fill(0);
    for (const f of features) {
      const row = f * n;
      for (let l = 0; l < n; l++) sums[l] = sums[l]! + logs[row + l]!;
    }
    // Insertion sort, highest first; a label moves only past strictly lower scores, so ties keep label
    // order as natural's stable sort keeps them.
    for (let l = 0; l < n; l++) {
      const value = this.priors[l]! * Math.exp(sums[l]!);
      let j = l;
      while (j > 0 && sorted[j - 1]! < value) {
        sorted[j] = sorted[j - 1]!;
        order[j] = order[j - 1]!;
        j--;
      }
      sorted[j] = value;
      order[j] = l;
    }
    let total = 0;
    for (let j = 0; j < n; j++) total += sorted[j]!;
    const best: LabelScore[] = [];
    for (let j = 0; j < Math.min(top, n); j++) best.push({ label: this.labels[order[j]!]!, value: sorted[j]! });
    return { top: best, total };
  }
}

/**
 * The indices of the first `max` of the (distinct) `features` that the classifier knows, in the order
 * natural's scoring visits them: it walks an observation object with for...in, which lists integer-like keys
 * ("500", "2014") first, in ascending order, then the rest as inserted. The order matters because
 * floating-point sums depend on it, and the scores are to be natural's to the bit.
 */
export function observationOrder(
  features: readonly string[],
  featureIndex: ReadonlyMap<string, number>,
  max: number,
): number[] {
  const named: number[] = [];
  const numbered: { key: number; index: number }[] = [];
  for (const f of features) {
    if (named.length + numbered.length === max) break;
    const index = featureIndex.get(f);
    if (index === undefined) continue;
    if (isArrayIndex(f)) numbered.push({ key: Number(f), index });
    else named.push(index);
  }
  if (numbered.length === 0) return named;
  numbered.sort((a, b) => a.key - b.key);
  return [...numbered.map((n) => n.index), ...named];
}

/** Whether a property key is an array index ("0" to "4294967294", no leading zeros), which objects list first. */
function isArrayIndex(key: string): boolean {
  const first = key.charCodeAt(0);
  if (first < 48 || first > 57) return false;
  return /^(?:0|[1-9]\d*)$/.test(key) && Number(key) <= 4294967294;
}
