/** Options for {@link OnceCache}. */
export interface OnceOptions {
  /** How long a key is remembered after it was first seen. */
  ttlMs: number;
  /** At most this many keys are remembered (default 10,000); the oldest are forgotten first. */
  maxEntries?: number;
  now?: () => number;
  /** Called for each repeat answered with the first run's result (for a metric). */
  onRepeat?: () => void;
}

const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * Runs work once per key (a platform's update id, event id or message id), so a retried delivery is not
 * answered twice. A repeat of a key seen within `ttlMs` gets the first run's promise back instead of a
 * new run. Memory stays bounded by `maxEntries`.
 */
export class OnceCache<T> {
  private readonly entries = new Map<string, { at: number; result: Promise<T> }>();
  private readonly now: () => number;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly onRepeat: (() => void) | undefined;

  constructor(options: OnceOptions) {
    this.onRepeat = options.onRepeat;
    this.ttlMs = options.ttlMs;
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.now = options.now ?? Date.now;
  }

  /** Starts `work` unless `key` was seen recently; `first` tells which happened. */
  run(key: string, work: () => Promise<T>): { first: boolean; result: Promise<T> } {
    const now = this.now();
    this.evict(now);
    const seen = this.entries.get(key);
    if (seen) {
      this.onRepeat?.();
      return { first: false, result: seen.result };
    }
    const result = work();
    // A failed run is forgotten, so the platform's retry gets a fresh try.
    result.catch(() => {
      if (this.entries.get(key)?.result === result) this.entries.delete(key);
    });
    this.entries.set(key, { at: now, result });
    return { first: true, result };
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(now: number): void {
    for (const [key, entry] of this.entries) {
      // Map iteration is in insertion order, so the first entry still fresh ends the sweep.
      if (now - entry.at < this.ttlMs && this.entries.size < this.maxEntries) break;
      this.entries.delete(key);
    }
  }
}

/**
 * What answers a platform's retry once: `run` starts `work` unless `key` was seen within the channel's time, and
 * resolves, once that is known, with whether this was the first and the (first run's) result. In one process it
 * is an {@link OnceCache}; with REDIS_URL, the keys are shared by every instance.
 */
export interface Dedupe<T> {
  run(key: string, work: () => Promise<T>): Promise<{ first: boolean; result: Promise<T> }>;
}

/**
 * Makes a channel's dedupe: `channel` names its keys and its metric, `ttlMs` is how long a key is remembered
 * (as long as the platform retries). `onRepeat` is told of each repeat.
 */
export type DedupeFactory = <T>(channel: string, ttlMs: number, onRepeat?: () => void) => Dedupe<T>;

/** Each channel's dedupe in this process's memory. */
export const memoryDedupe: DedupeFactory = <T>(_channel: string, ttlMs: number, onRepeat?: () => void) => {
  const cache = new OnceCache<T>({ ttlMs, onRepeat });
  return { run: (key: string, work: () => Promise<T>) => Promise.resolve(cache.run(key, work)) };
};
