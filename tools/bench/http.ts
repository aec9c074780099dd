/**
 * HTTP figures: /api/webhook against a bare Express echo, /api/messages (expectReplies) against a bare
 * botbuilder echo bot, /api/webhook with 10 and with 10,000 stored conversations, and the bot's memory.
 * Servers run as child processes; each pair is loaded in turn, A B A B, and every ratio is taken per round.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Engine } from '../../src/core/respond.js';
import { cycle, type LoadOptions, type LoadResult, load } from './load.js';
import { type Figure, figure, ratios, type Summary, summarize, unavailable } from './measure.js';
import { rssMb, type Server, type ServerKind, sampleRss, startServer, stop } from './processes.js';
import { conversationId, seedStateFile } from './state.js';

export interface HttpOptions extends LoadOptions {
  rounds: number;
  /** Seconds of unmeasured load on each server before its first round. */
  warmupSeconds: number;
}

/** What the HTTP benchmarks need besides their options. */
export interface HttpContext {
  engine: Engine;
  questions: readonly string[];
  progress: (line: string) => void;
}

/** Conversations in the ordinary case, and at scale. */
export const FEW = 10;
export const MANY = 10_000;

/** Every server the HTTP benchmarks start, and a temporary directory for their state files. */
export class Servers {
  private readonly running: Server[] = [];
  private constructor(readonly dir: string) {}

  static async create(prefix = 'bench-http-'): Promise<Servers> {
    return new Servers(await mkdtemp(path.join(tmpdir(), prefix)));
  }

  async start(kind: ServerKind, env: Record<string, string> = {}): Promise<Server> {
    const server = await startServer(kind, env);
    this.running.push(server);
    return server;
  }

  /** A bot whose STATE_FILE holds `count` seeded conversations. */
  async bot(count: number, context: HttpContext): Promise<Server> {
    const file = path.join(this.dir, `conversations-${count}.json`);
    context.progress(`seeding ${count} conversations`);
    await seedStateFile(file, count, context.engine, context.questions);
    return this.start('bot', { STATE_FILE: file, UNANSWERED_FILE: path.join(this.dir, `unanswered-${count}.json`) });
  }

  async close(): Promise<void> {
    await Promise.all(this.running.map((s) => stop(s.child)));
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Webhook request bodies: the questions in turn, each in one of the conversations `ids()` picks. */
export function webhookBodies(questions: readonly string[], ids: () => string): () => string {
  const question = cycle(questions);
  return () => JSON.stringify({ text: question(), conversationId: ids(), userId: 'bench' });
}

/** Bot Framework message activities asking for the replies in the response, each with a new id. */
function activityBodies(questions: readonly string[], conversations: number): () => string {
  const question = cycle(questions);
  let n = 0;
  return () => {
    n++;
    return JSON.stringify({
      type: 'message',
      id: `bench-${n}`,
      text: question(),
      from: { id: 'bench-user' },
      recipient: { id: 'bench-bot' },
      conversation: { id: `bench-activity-${n % conversations}` },
      channelId: 'emulator',
      serviceUrl: 'http://127.0.0.1:9',
      deliveryMode: 'expectReplies',
    });
  };
}

/** Starts watching something before a measured round; the function it returns ends the watch. */
export type Watch = () => () => Promise<void>;

/**
 * Results of loading A and B in turn for `rounds` rounds, after `warmupSeconds` of load on each, then
 * `afterWarmup()`. `watchB` runs around each measured round of B.
 */
export async function alternate(
  label: string,
  a: (options: LoadOptions) => Promise<LoadResult>,
  b: (options: LoadOptions) => Promise<LoadResult>,
  options: HttpOptions,
  progress: (line: string) => void,
  hooks: { afterWarmup?: () => Promise<void>; watchB?: Watch } = {},
): Promise<{ a: LoadResult[]; b: LoadResult[] }> {
  const warmup = { ...options, durationSeconds: options.warmupSeconds };
  progress(`${label}: warm-up`);
  await a(warmup);
  await b(warmup);
  await hooks.afterWarmup?.();
  const results = { a: [] as LoadResult[], b: [] as LoadResult[] };
  for (let r = 0; r < options.rounds; r++) {
    progress(`${label}: round ${r + 1}/${options.rounds}`);
    results.a.push(await a(options));
    const unwatch = hooks.watchB?.();
    results.b.push(await b(options));
    await unwatch?.();
  }
  return results;
}

/** Watches a process's peak RSS during each round, pushing one peak per round to `peaks`. */
export function watchRss(pid: number, peaks: (number | null)[]): Watch {
  return () => {
    const sampler = sampleRss(pid);
    return async () => {
      peaks.push(await sampler.stop());
    };
  };
}

/** "3 rounds x 5 s at 10 connections" */
export function rounds(options: HttpOptions): string {
  const plural = options.rounds === 1 ? '' : 's';
  return `${options.rounds} round${plural} x ${options.durationSeconds} s at ${options.connections} connections`;
}

export const throughputs = (runs: LoadResult[]) => runs.map((r) => r.throughput);
export const p99s = (runs: LoadResult[]) => runs.map((r) => r.p99Ms);
const failures = (runs: LoadResult[]) => runs.reduce((sum, r) => sum + r.failed, 0);

export function failureNote(name: string, runs: LoadResult[]): string {
  const failed = failures(runs);
  return failed > 0 ? `; ${failed} ${name} responses were not 2xx or failed` : '';
}

/** Throughput and p99 figures for a pair, the throughput with a target on the ratio. */
function pairFigures(
  section: string,
  route: string,
  baseline: string,
  results: { a: LoadResult[]; b: LoadResult[] },
  throughputTarget: number,
  options: HttpOptions,
): Figure[] {
  const note = rounds(options) + failureNote('bot', results.b) + failureNote('baseline', results.a);
  return [
    loadFigure(section, `${route} throughput`, 'throughput', baseline, results, { note, target: throughputTarget }),
    loadFigure(section, `${route} p99 latency`, 'latency', baseline, results),
  ];
}

/** What a load run is measured by: its throughput, or its p99 latency. */
const MEASURES = {
  throughput: { unit: 'req/s', of: throughputs },
  latency: { unit: 'ms', of: p99s },
} as const;

/** B's throughput or p99 latency against A's, taken round by round; with a ratio target when given (throughput). */
export function loadFigure(
  section: string,
  name: string,
  measure: keyof typeof MEASURES,
  baseline: string,
  results: { a: LoadResult[]; b: LoadResult[] },
  extra: { note?: string; target?: number } = {},
): Figure {
  const { unit, of } = MEASURES[measure];
  return figure({
    section,
    name,
    unit,
    value: summarize(of(results.b)),
    baseline: { name: baseline, value: summarize(of(results.a)) },
    ratio: ratios(of(results.b), of(results.a)),
    ...(extra.target === undefined ? {} : { target: { on: 'ratio', direction: 'at-least', limit: extra.target } }),
    ...(extra.note === undefined ? {} : { note: extra.note }),
  });
}

/** Figures for sections 3 (throughput against bare echoes) and 5 (memory). */
export async function benchHttp(context: HttpContext, options: HttpOptions): Promise<Figure[]> {
  const { questions, progress } = context;
  const servers = await Servers.create();
  try {
    const echo = await servers.start('echo-express');
    const bot = await servers.bot(FEW, context);
    const body = webhookBodies(questions, cycle(Array.from({ length: FEW }, (_, i) => conversationId(i))));

    // Memory of the bot: after the warm-up, the largest sample during each measured round, and after them.
    let warm: number | null = null;
    const peaks: (number | null)[] = [];
    const webhook = await alternate(
      '/api/webhook',
      (o) => load(echo.url, '/api/webhook', body, o),
      (o) => load(bot.url, '/api/webhook', body, o),
      options,
      progress,
      {
        afterWarmup: async () => {
          warm = await rssMb(bot.pid);
        },
        watchB: watchRss(bot.pid, peaks),
      },
    );
    const after = await rssMb(bot.pid);
    return [
      ...pairFigures('http', '/api/webhook', 'bare Express 5 JSON echo', webhook, 0.85, options),
      ...(await benchMessages(servers, bot, context, options)),
      ...memoryFigures(warm, peaks, after, `the bot with ${FEW} conversations, under the /api/webhook load above`),
    ];
  } finally {
    await servers.close();
  }
}

/** /api/messages with expectReplies against a bare botbuilder echo bot; unavailable if the bot's route does not answer. */
async function benchMessages(
  servers: Servers,
  bot: Server,
  context: HttpContext,
  options: HttpOptions,
): Promise<Figure[]> {
  const route = '/api/messages (expectReplies)';
  const body = activityBodies(context.questions, FEW);
  const problem = await checkMessages(bot.url, body());
  if (problem) {
    return [
      unavailable('http', `${route} throughput`, 'req/s', `unavailable: ${problem}`, {
        on: 'ratio',
        direction: 'at-least',
        limit: 0.9,
      }),
    ];
  }
  const echo = await servers.start('echo-botbuilder');
  const messages = await alternate(
    '/api/messages',
    (o) => load(echo.url, '/api/messages', body, o),
    (o) => load(bot.url, '/api/messages', body, o),
    options,
    context.progress,
  );
  return pairFigures('http', route, 'bare botbuilder echo bot', messages, 0.9, options);
}

/** Null when the bot answers an expectReplies activity with 200 and `{ activities: [...] }`; else what it did. */
async function checkMessages(url: string, activity: string): Promise<string | null> {
  try {
    const response = await fetch(`${url.replace('//localhost:', '//127.0.0.1:')}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: activity,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    const excerpt = text.replace(/\s+/g, ' ').slice(0, 120);
    if (response.status !== 200) return `POST /api/messages answered ${response.status}: ${excerpt}`;
    const parsed = JSON.parse(text) as { activities?: unknown };
    if (!Array.isArray(parsed.activities) || parsed.activities.length === 0) {
      return `POST /api/messages answered 200 without activities: ${excerpt}`;
    }
    return null;
  } catch (error) {
    return `POST /api/messages failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function memoryFigures(warm: number | null, peaks: (number | null)[], after: number | null, note: string): Figure[] {
  const known = (values: (number | null)[]) => values.filter((v): v is number => v !== null);
  const one = (v: number | null): Summary | null => (v === null ? null : summarize([v]));
  const peak = known(peaks);
  return [
    figure({ section: 'memory', name: 'RSS after warm-up', unit: 'MB', value: one(warm), note }),
    figure({
      section: 'memory',
      name: 'RSS under load (peak per round)',
      unit: 'MB',
      value: peak.length > 0 ? summarize(peak) : null,
      target: { on: 'value', direction: 'at-most', limit: 150 },
      note: 'VmRSS sampled every 100 ms during each measured round',
    }),
    figure({ section: 'memory', name: 'RSS after the load', unit: 'MB', value: one(after), note }),
  ];
}

/** Section 4: /api/webhook throughput with 10,000 stored conversations (B) against 10 (A). */
export async function benchState(context: HttpContext, options: HttpOptions): Promise<Figure[]> {
  const servers = await Servers.create();
  try {
    const few = await servers.bot(FEW, context);
    const many = await servers.bot(MANY, context);
    const peaks: (number | null)[] = [];
    const results = await alternate(
      'state at scale',
      (o) => load(few.url, '/api/webhook', webhookBodies(context.questions, randomIds(FEW, 1)), o),
      (o) => load(many.url, '/api/webhook', webhookBodies(context.questions, randomIds(MANY, 1)), o),
      options,
      context.progress,
      { watchB: watchRss(many.pid, peaks) },
    );
    const note =
      `${rounds(options)}; conversation ids drawn ` +
      `at random from the seeded ones${failureNote(`${MANY}-conversation`, results.b)}${failureNote(`${FEW}-conversation`, results.a)}`;
    const peak = peaks.filter((p): p is number => p !== null);
    return [
      figure({
        section: 'state',
        name: `/api/webhook throughput, ${MANY.toLocaleString('en')} conversations`,
        unit: 'req/s',
        value: summarize(throughputs(results.b)),
        baseline: { name: `${FEW} conversations`, value: summarize(throughputs(results.a)) },
        ratio: ratios(throughputs(results.b), throughputs(results.a)),
        target: { on: 'ratio', direction: 'at-least', limit: 0.8 },
        note,
      }),
      figure({
        section: 'state',
        name: `/api/webhook p99 latency, ${MANY.toLocaleString('en')} conversations`,
        unit: 'ms',
        value: summarize(p99s(results.b)),
        baseline: { name: `${FEW} conversations`, value: summarize(p99s(results.a)) },
        ratio: ratios(p99s(results.b), p99s(results.a)),
      }),
      figure({
        section: 'state',
        name: `RSS under load, ${MANY.toLocaleString('en')} conversations`,
        unit: 'MB',
        value: peak.length > 0 ? summarize(peak) : null,
        target: { on: 'value', direction: 'at-most', limit: 150 },
        note: 'VmRSS sampled every 100 ms during each measured round',
      }),
    ];
  } finally {
    await servers.close();
  }
}

/** Conversation ids drawn uniformly from the first `count`, by a fixed pseudo-random sequence (same every run). */
export function randomIds(count: number, seed: number): () => string {
  let x = seed >>> 0 || 1;
  return () => {
    // xorshift32
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return conversationId(x % count);
  };
}
