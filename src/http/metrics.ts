import type { Request, Response } from 'express';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { Reply } from '../core/types.js';

/** How an answer ended, for the answers counter. */
export type Outcome = 'answered' | 'fallback' | 'near_miss' | 'clarifying';

/**
 * The bot's Prometheus metrics (`GET /metrics`), in a registry of their own: the process's default metrics
 * (`process_resident_memory_bytes`, `nodejs_eventloop_lag_seconds`, GC, heap), HTTP request durations, answers
 * by channel and outcome, recognition confidence, conversation store write latency, and requests refused by a
 * rate limit or answered again as a platform's retry. Label values are few and fixed: routes are the app's own
 * paths (a 404 is "unmatched"), channels the conversation namespaces.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route and status code.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });
  private readonly answers = new Counter({
    name: 'bot_answers_total',
    help: 'Answers by channel and outcome (answered, fallback, near_miss, clarifying).',
    labelNames: ['channel', 'outcome'],
    registers: [this.registry],
  });
  private readonly confidence = new Histogram({
    name: 'bot_recognition_confidence',
    help: 'Confidence of the answers given, 0 to 1.',
    buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
    registers: [this.registry],
  });
  private readonly storeWrites = new Histogram({
    name: 'conversation_store_write_seconds',
    help: 'Time to store a turn (read, answer, write the journal).',
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
    registers: [this.registry],
  });
  private readonly limited = new Counter({
    name: 'rate_limited_requests_total',
    help: 'Requests refused or slowed by a rate limit, by what was limited (address, conversation).',
    labelNames: ['limit'],
    registers: [this.registry],
  });
  private readonly repeats = new Counter({
    name: 'deduplicated_requests_total',
    help: "A platform's retries answered with the first answer again, by channel.",
    labelNames: ['channel'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * One finished request (from requestContext, which times every request), labelled by the route that answered
   * it (its path), or "unmatched" for a 404.
   */
  readonly requestFinished = (req: Request, res: Response, seconds: number): void => {
    const matched = (req.route as { path?: unknown } | undefined)?.path;
    const route = typeof matched === 'string' ? matched : 'unmatched';
    this.requests.observe({ method: req.method, route, status_code: String(res.statusCode) }, seconds);
  };

  /** One answer given in `conversationId`'s channel (the part of the id before ":"; "none" without one). */
  answered(conversationId: string | undefined, reply: Reply): void {
    const channel = conversationId === undefined ? 'none' : (conversationId.split(':')[0] ?? 'none');
    this.answers.inc({ channel, outcome: outcomeOf(reply) });
    this.confidence.observe(reply.confidence);
  }

  storeWrite(seconds: number): void {
    this.storeWrites.observe(seconds);
  }

  rateLimited(limit: 'address' | 'conversation'): void {
    this.limited.inc({ limit });
  }

  deduplicated(channel: string): void {
    this.repeats.inc({ channel });
  }
}

/**
 * How a reply ended: a near miss says what the article lacks and cites the nearest; a clarifying question ("Who
 * do you mean: He Miao or Jin Xiaolei?") asks, offering the question again with each name, and ends in its
 * question mark, where a fallback ends in the suggestions it quotes.
 */
function outcomeOf(reply: Reply): Outcome {
  if (!reply.fallback) return 'answered';
  if (reply.sources.length > 0) return 'near_miss';
  return reply.suggestions.length > 0 && reply.quotes.length === 0 && /[?？]$/.test(reply.text.trim())
    ? 'clarifying'
    : 'fallback';
}
