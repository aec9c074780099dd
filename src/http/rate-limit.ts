import type { RequestHandler } from 'express';
import { HttpError } from './errors.js';

/** A limit of `requests` per `windowMs` for each key; 0 requests means no limit. */
export interface RateLimit {
  requests: number;
  windowMs: number;
}

/** A request over its limit; `retryAfterSeconds` is when the next one would be let through. */
export class RateLimitedError extends HttpError {
  constructor(
    readonly retryAfterSeconds: number,
    what: string,
  ) {
    super(429, 'rate_limited', `Too many requests from this ${what}; try again in ${retryAfterSeconds} s.`);
    this.name = 'RateLimitedError';
  }
}

/**
 * Takes one request's token for a key: 0 when it may go ahead, else the seconds until one is available. In one
 * process it is a {@link RateLimiter}; with REDIS_URL the buckets are shared by every instance (and so async).
 */
export interface Limiter {
  take(key: string): number | Promise<number>;
}

/**
 * Token buckets, one per key (a client address or a conversation id): each holds up to `requests` tokens
 * and refills at `requests` per `windowMs`, so short bursts pass and sustained floods are slowed. Buckets
 * that have refilled completely are forgotten, so memory stays proportional to the keys active in one window.
 */
export class RateLimiter implements Limiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep = 0;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `key`; returns 0 when allowed, else the seconds until a token is available. */
  take(key: string): number {
    if (this.limit.requests <= 0) return 0;
    const now = this.now();
    this.sweep(now);
    const rate = this.limit.requests / this.limit.windowMs;
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.requests, at: now };
    bucket.tokens = Math.min(this.limit.requests, bucket.tokens + (now - bucket.at) * rate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / rate / 1000));
  }

  /** Number of keys currently tracked. */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.limit.windowMs) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.at >= this.limit.windowMs) this.buckets.delete(key);
    }
  }
}

/**
 * Express middleware limiting requests per client address; over the limit it passes a {@link RateLimitedError}
 * on. Requests to the `exempt` paths are not counted.
 */
export function limitPerAddress(
  limiter: Limiter,
  exempt: ReadonlySet<string> = new Set(),
  onLimited?: () => void,
): RequestHandler {
  const decide = (wait: number, next: (error?: unknown) => void) => {
    if (wait > 0) onLimited?.();
    next(wait === 0 ? undefined : new RateLimitedError(wait, 'address'));
  };
  return (req, _res, next) => {
    if (exempt.has(req.path)) return next();
    const wait = limiter.take(req.ip ?? req.socket.remoteAddress ?? 'unknown');
    if (typeof wait === 'number') decide(wait, next);
    else wait.then((w) => decide(w, next), next);
  };
}
