import { spawnSync } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { redisDedupe } from '../../../src/conversation/redis-once.js';
import type { ConversationState } from '../../../src/core/types.js';
import { emptyState } from '../../../src/core/types.js';
import { RedisRateLimiter } from '../../../src/http/redis-rate-limit.js';
import { createLogger } from '../../../src/log.js';
import { StoreUnavailableError } from '../../../src/store/errors.js';
import { RedisStartError, SharedRedis } from '../../../src/store/redis/client.js';
import { RedisConversationStore } from '../../../src/store/redis/conversations.js';
import { RedisUnanswered } from '../../../src/store/redis/unanswered.js';
import { connectInstance, describeWithRedis, redisConfig } from '../../support/redis.js';

const logger = createLogger('silent');
const opened: SharedRedis[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((r) => r.close()));
});

async function instances(config: ReturnType<typeof redisConfig>, count = 2): Promise<SharedRedis[]> {
  const made = await Promise.all(Array.from({ length: count }, () => connectInstance(config)));
  opened.push(...made);
  return made;
}

const storeOf = (redis: SharedRedis, over: { lockMs?: number; lockWaitMs?: number } = {}) =>
  new RedisConversationStore(redis, { idleTtlMs: 60_000, lockMs: 5_000, lockWaitMs: 5_000, logger, ...over });

/** A turn that counts: it sees `state.turns` and stores one more. */
const counting = (seen: number[]) => (state: ConversationState) => {
  seen.push(state.turns);
  return { state: { ...state, turns: state.turns + 1 }, result: state.turns };
};

describeWithRedis('conversation state in Redis', (server) => {
  it('keeps 100 concurrent turns of one conversation from two instances in order: each sees the one before', async () => {
    const config = redisConfig(server());
    const [a, b] = await instances(config);
    const stores = [storeOf(a!), storeOf(b!)];
    const seen: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => stores[i % 2]!.transact('conv-1', counting(seen))),
    );
    // Serial: every turn saw a different count, 0 to 99, so none read a state another was still changing.
    expect([...results].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(seen).toHaveLength(100);
    expect((await stores[0]!.read('conv-1'))?.state.turns).toBe(100);
    expect((await stores[1]!.read('conv-1'))?.version).toBe(100);
  });

  it('frees a lock whose holder died after its lifetime, and gives up with a 503 error past REDIS_LOCK_WAIT_MS', async () => {
    const config = redisConfig(server());
    const [redis] = await instances(config, 1);
    // A holder that took the lock and died: nobody releases it, its lifetime ends it.
    await redis!.command(['SET', redis!.key('lock', 'conv-dead'), 'dead-holder', 'PX', '300']);
    const started = Date.now();
    expect(await storeOf(redis!).transact('conv-dead', counting([]))).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);

    await redis!.command(['SET', redis!.key('lock', 'conv-held'), 'live-holder', 'PX', '10000']);
    const waiting = storeOf(redis!, { lockWaitMs: 150 }).transact('conv-held', counting([]));
    await expect(waiting).rejects.toThrow(StoreUnavailableError);
    await expect(waiting).rejects.toThrow(/busy on another instance.*REDIS_LOCK_WAIT_MS/);
  });

  it('never lets a holder whose lock expired overwrite a newer turn: its turn is worked out again on the newer state', async () => {
    const config = redisConfig(server());
    const [redis] = await instances(config, 1);
    const store = storeOf(redis!, { lockMs: 20 });
    const key = redis!.key('conv', 'conv-slow');
    const seen: number[] = [];
    const result = await store.transact('conv-slow', (state) => {
      seen.push(state.turns);
      if (seen.length === 1) {
        // This turn outlives its lock; meanwhile another instance stores turn 41 (its own process, its own client).
        const until = Date.now() + 40;
        while (Date.now() < until);
        const newer = JSON.stringify({ ...emptyState(), turns: 41 });
        const other = spawnSync('redis-cli', ['-p', String(server().port), 'HSET', key, 'v', '7', 's', newer]);
        expect(other.status).toBe(0);
      }
      return { state: { ...state, turns: state.turns + 1 }, result: state.turns + 1 };
    });
    expect(seen).toEqual([0, 41]);
    expect(result).toBe(42);
    expect(await store.read('conv-slow')).toMatchObject({ version: 8, state: { turns: 42 } });
  });

  it('expires an idle conversation with the idle TTL, and starts a bad stored value afresh', async () => {
    const config = redisConfig(server());
    const [redis] = await instances(config, 1);
    const store = new RedisConversationStore(redis!, { idleTtlMs: 200, lockMs: 1000, lockWaitMs: 1000, logger });
    await store.transact('conv-ttl', counting([]));
    const ttl = await redis!.command<number>(['PTTL', redis!.key('conv', 'conv-ttl')]);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(200);
    await redis!.command(['HSET', redis!.key('conv', 'conv-bad'), 'v', '3', 's', 'not json']);
    expect(await store.transact('conv-bad', counting([]))).toBe(0);
  });
});

describeWithRedis('dedupe keys, rate limits and the review in Redis', (server) => {
  it("answers a platform's retry on another instance with the first answer, once; a failed first run is tried again", async () => {
    const config = redisConfig(server());
    const [a, b] = await instances(config);
    let runs = 0;
    const slow = () =>
      new Promise<string>((resolve) => {
        runs++;
        setTimeout(() => resolve('the first answer'), 100);
      });
    const repeats: string[] = [];
    const onA = redisDedupe(a!)<string>('wechat', 60_000, () => repeats.push('a'));
    const onB = redisDedupe(b!)<string>('wechat', 60_000, () => repeats.push('b'));
    const first = await onA.run('msg-1', slow);
    const retry = await onB.run('msg-1', slow);
    expect(first.first).toBe(true);
    expect(retry.first).toBe(false);
    expect(await retry.result).toBe('the first answer');
    expect(await first.result).toBe('the first answer');
    // Later, once stored: still the first answer, no second run.
    const late = await onB.run('msg-1', slow);
    expect(await late.result).toBe('the first answer');
    expect(runs).toBe(1);
    expect(repeats).toEqual(['b', 'b']);

    const failed = await onA.run('msg-2', () => Promise.reject(new Error('no')));
    await expect(failed.result).rejects.toThrow('no');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const again = await onB.run('msg-2', async () => 'answered on the retry');
    expect(again.first).toBe(true);
    expect(await again.result).toBe('answered on the retry');
  });

  it('shares one bucket per key between instances, and counts in memory while Redis is away', async () => {
    const config = redisConfig(server());
    const [a, b] = await instances(config);
    const limit = { requests: 3, windowMs: 60_000 };
    const limiters = [
      new RedisRateLimiter(a!, 'conversation', limit, logger),
      new RedisRateLimiter(b!, 'conversation', limit, logger),
    ];
    const waits = [];
    for (let i = 0; i < 4; i++) waits.push(await limiters[i % 2]!.take('webhook:c'));
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    expect(waits[3]).toBeGreaterThanOrEqual(1);
    expect(await limiters[0]!.take('webhook:other')).toBe(0);
  });

  it('keeps one review for every instance: counts, first and last seen, nearest intents, bounded in size', async () => {
    const config = redisConfig(server());
    const [a, b] = await instances(config);
    const nearest = [{ intent: 'linkedin.members', score: 0.41 }];
    const settings = { maxEntries: 2, maxAgeMs: 60_000, flushIntervalMs: 0 };
    const onA = new RedisUnanswered(a!, logger, settings);
    const onB = new RedisUnanswered(b!, logger, settings);
    onA.record('What is LinkedIn’s revenue?', 'fallback', nearest);
    await onA.close();
    onB.record('what is linkedin s revenue', 'fallback', nearest);
    onB.record('Who owns Tianji?', 'unsure', []);
    await onB.close();
    const review = await onA.list();
    expect(review.map((q) => [q.text, q.count, q.outcome])).toEqual([
      ['what is linkedin s revenue', 2, 'fallback'],
      ['who owns tianji', 1, 'unsure'],
    ]);
    expect(review[0]!.nearest).toEqual(nearest);
    expect(review[1]!.nearest).toEqual([]);
    expect(review[0]!.firstSeen <= review[0]!.lastSeen).toBe(true);
    onA.record('A third question?', 'fallback', []);
    await onA.close();
    expect((await onB.list()).map((q) => q.text)).not.toContain('what is linkedin s revenue');
    expect(await onB.list()).toHaveLength(2);
  });
});

describeWithRedis('Redis going away and coming back', (server) => {
  it('fails turns fast with a 503 error while Redis is down, says why for /readyz, and recovers by itself', async () => {
    const config = redisConfig(server(), { commandTimeoutMs: 300 });
    const [redis] = await instances(config, 1);
    const store = storeOf(redis!);
    const limiter = new RedisRateLimiter(redis!, 'address', { requests: 5, windowMs: 60_000 }, logger);
    expect(await store.transact('conv-r', counting([]))).toBe(0);
    expect(await store.unwritable()).toBeNull();

    await server().kill();
    const started = Date.now();
    await expect(store.transact('conv-r', counting([]))).rejects.toThrow(StoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await store.unwritable()).toMatch(/REDIS_URL redis:\/\/127\.0\.0\.1:\d+: Redis did not answer/);
    // The rate limit falls back to this process's buckets rather than refusing everyone.
    expect(await limiter.take('127.0.0.1')).toBe(0);

    await server().restart();
    await expect.poll(() => store.unwritable(), { timeout: 5_000, interval: 100 }).toBeNull();
    // --save '' and a kill: Redis came back empty, so the conversation starts again.
    expect(await store.transact('conv-r', counting([]))).toBe(0);
  });

  it('stops start-up with a message naming REDIS_URL (never its password) when Redis cannot be reached', async () => {
    const config = { ...redisConfig(server()), url: 'redis://bot:hunter2@127.0.0.1:9', connectTimeoutMs: 300 };
    const failed = SharedRedis.connect(config, logger);
    await expect(failed).rejects.toThrow(RedisStartError);
    await expect(failed).rejects.toThrow(/^REDIS_URL redis:\/\/bot:\*\*\*@127\.0\.0\.1:9: Redis cannot be reached/);
    await expect(failed).rejects.not.toThrow(/hunter2/);
  });
});
