/**
 * Redis figures: /api/webhook with the shared state in Redis (REDIS_URL) against the lowdb store (STATE_FILE),
 * and two instances sharing one Redis against one of them alone. The section starts its own redis-server
 * (tools/redis-server.ts) and stops it at the end; each pair is loaded in turn, A B A B, and every ratio is taken
 * per round.
 */
import path from 'node:path';
import { type RedisServer, redisServerAvailable, startRedisServer } from '../redis-server.js';
import {
  alternate,
  FEW,
  failureNote,
  type HttpContext,
  type HttpOptions,
  loadFigure,
  rounds,
  Servers,
  webhookBodies,
} from './http.js';
import { cycle, type LoadOptions, type LoadResult, load } from './load.js';
import { type Figure, unavailable } from './measure.js';
import type { Server } from './processes.js';
import { conversationId } from './state.js';

/** Key prefixes, one per group of servers, so one measurement never reads another's conversations or buckets. */
const PREFIX = { store: 'bench-redis-store:', pair: 'bench-redis-pair:' } as const;

const THROUGHPUT = '/api/webhook throughput with Redis';
const SCALE_OUT = 'two instances sharing Redis, over one';

/** The section's figures, or its figures marked unavailable when redis-server is not installed. */
export async function benchRedis(context: HttpContext, options: HttpOptions): Promise<Figure[]> {
  if (!redisServerAvailable()) {
    const why = 'unavailable: redis-server is not on PATH (install the Debian package redis-server)';
    return [
      unavailable('redis', THROUGHPUT, 'req/s', why, { on: 'ratio', direction: 'at-least', limit: 0.7 }),
      unavailable('redis', SCALE_OUT, 'req/s', why),
    ];
  }
  context.progress('starting redis-server');
  const redis = await startRedisServer();
  try {
    return [...(await benchStore(redis, context, options)), ...(await benchPair(redis, context, options))];
  } finally {
    await redis.stop();
  }
}

/** The webhook bodies of the http section: held-out questions in turn, ids from {@link FEW} conversations. */
function bodies(context: HttpContext): () => string {
  return webhookBodies(context.questions, cycle(Array.from({ length: FEW }, (_, i) => conversationId(i))));
}

/** A bot keeping its state in `redis` under `prefix`; `name` names its files in the temporary folder. */
function redisBot(servers: Servers, redis: RedisServer, prefix: string, name: string): Promise<Server> {
  return servers.start('bot', {
    REDIS_URL: redis.url,
    REDIS_PREFIX: prefix,
    STATE_FILE: path.join(servers.dir, `conversations-${name}.json`),
    UNANSWERED_FILE: path.join(servers.dir, `unanswered-${name}.json`),
  });
}

/** /api/webhook with Redis (B) against the lowdb store (A), each server starting with no conversations. */
async function benchStore(redis: RedisServer, context: HttpContext, options: HttpOptions): Promise<Figure[]> {
  const servers = await Servers.create('bench-redis-');
  try {
    const low = await servers.start('bot', {
      STATE_FILE: path.join(servers.dir, 'conversations-lowdb.json'),
      UNANSWERED_FILE: path.join(servers.dir, 'unanswered-lowdb.json'),
    });
    const shared = await redisBot(servers, redis, PREFIX.store, 'redis');
    const body = bodies(context);
    const results = await alternate(
      'Redis against lowdb',
      (o) => load(low.url, '/api/webhook', body, o),
      (o) => load(shared.url, '/api/webhook', body, o),
      options,
      context.progress,
    );
    const note =
      `${rounds(options)}; both stores start empty and the warm-up fills the ${FEW} conversations` +
      `${failureNote('Redis', results.b)}${failureNote('lowdb', results.a)}`;
    return [
      loadFigure('redis', THROUGHPUT, 'throughput', 'the lowdb store', results, { note, target: 0.7 }),
      loadFigure('redis', '/api/webhook p99 latency with Redis', 'latency', 'the lowdb store', results),
    ];
  } finally {
    await servers.close();
  }
}

/**
 * Two bots sharing one Redis under one prefix, loaded at the same time with half the connections each (B),
 * against the first of them alone with all the connections (A).
 */
async function benchPair(redis: RedisServer, context: HttpContext, options: HttpOptions): Promise<Figure[]> {
  const servers = await Servers.create('bench-redis-pair-');
  try {
    const first = await redisBot(servers, redis, PREFIX.pair, 'first');
    const second = await redisBot(servers, redis, PREFIX.pair, 'second');
    const body = bodies(context);
    const results = await alternate(
      'two instances',
      (o) => load(first.url, '/api/webhook', body, o),
      (o) => loadBoth([first, second], body, o),
      options,
      context.progress,
    );
    const [one, other] = split(options.connections);
    const note =
      `${rounds(options)}; both instances at once with ${one} and ${other} connections, their 2xx summed, ` +
      `the same ${FEW} conversation ids on both` +
      `${failureNote('two-instance', results.b)}${failureNote('one-instance', results.a)}`;
    return [loadFigure('redis', SCALE_OUT, 'throughput', 'one instance', results, { note })];
  } finally {
    await servers.close();
  }
}

/** The connections split over two instances: half each, the odd one to the first, at least one each. */
function split(connections: number): [number, number] {
  const second = Math.max(1, Math.floor(connections / 2));
  return [Math.max(1, connections - second), second];
}

/** One autocannon run per server, in parallel, the connections split between them; their counts summed. */
async function loadBoth(pair: [Server, Server], body: () => string, options: LoadOptions): Promise<LoadResult> {
  const connections = split(options.connections);
  const runs = await Promise.all(
    pair.map((server, i) => load(server.url, '/api/webhook', body, { ...options, connections: connections[i]! })),
  );
  return {
    // Each run's 2xx over its own duration (as one run's are), so the sum is both runs' 2xx over the duration.
    throughput: runs.reduce((sum, r) => sum + r.throughput, 0),
    // Latencies of the two runs do not merge; the worse of the two is kept.
    p50Ms: Math.max(...runs.map((r) => r.p50Ms)),
    p99Ms: Math.max(...runs.map((r) => r.p99Ms)),
    ok: runs.reduce((sum, r) => sum + r.ok, 0),
    failed: runs.reduce((sum, r) => sum + r.failed, 0),
  };
}
