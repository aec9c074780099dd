/** Statistics and the figure records the benchmark prints. */

/** The value at quantile `q` (0 to 1) of ascending `sorted` values, by the nearest-rank method. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** The median of `values` (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Median, minimum and maximum of several runs. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function summarize(runs: readonly number[]): Summary {
  return { median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs: [...runs] };
}

/** Which way a figure should go to meet its target. */
export type Direction = 'at-most' | 'at-least';

/** A goal from the issue: on the figure's median, or on its ratio to the baseline. */
export interface Target {
  on: 'value' | 'ratio';
  direction: Direction;
  limit: number;
}

/** One line of the report. */
export interface Figure {
  section: string;
  name: string;
  unit: string;
  /** Null when the figure could not be measured; `note` says why. */
  value: Summary | null;
  baseline?: { name: string; value: Summary };
  /** Median of the per-round ratios value / baseline (A and B measured in turn, A B A B). */
  ratio?: Summary;
  target?: Target;
  /** Whether the target was met; null without a target or a measurement. */
  pass: boolean | null;
  note?: string;
}

/** A figure with its pass/fail worked out from the target. */
export function figure(fields: Omit<Figure, 'pass'>): Figure {
  const { target } = fields;
  let pass: boolean | null = null;
  if (target) {
    const measured = target.on === 'ratio' ? fields.ratio?.median : fields.value?.median;
    if (measured !== undefined && Number.isFinite(measured)) {
      pass = target.direction === 'at-most' ? measured <= target.limit : measured >= target.limit;
    }
  }
  return { ...fields, pass };
}

/** A figure that could not be measured, with the reason. */
export function unavailable(section: string, name: string, unit: string, note: string, target?: Target): Figure {
  return { section, name, unit, value: null, target, pass: null, note };
}

/** Per-round ratios a[i] / b[i] of paired runs. */
export function ratios(a: readonly number[], b: readonly number[]): Summary {
  return summarize(a.map((x, i) => x / b[i]!));
}
