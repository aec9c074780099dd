import { StoreUnavailableError } from '../store/errors.js';
import type { SharedRedis } from '../store/redis/client.js';
import type { Dedupe, DedupeFactory } from './once.js';

/** A key marked "being answered" by an instance that died is free again after this. */
const PENDING_MS = 30_000;
/** How often a repeat looks whether the first run's result is stored yet. */
const POLL_MS = 25;
/** How long a repeat waits for it before giving up with a 503 (the platform retries later). */
const WAIT_MS = 5_000;

/**
 * Dedupe keys shared by every instance: the first delivery of a key marks it in Redis (SET NX) before its work
 * starts, and stores the work's result when it is done, for as long as the platform retries; a retry on any
 * instance gets that result (waiting briefly while the first is still being answered). A failed run removes its
 * mark, so the platform's next retry gets a fresh try. Repeats within this process share the first run's promise.
 */
export function redisDedupe(redis: SharedRedis): DedupeFactory {
  return <T>(channel: string, ttlMs: number, onRepeat?: () => void): Dedupe<T> => {
    const inFlight = new Map<string, Promise<T>>();
    return {
      async run(key, work) {
        const local = inFlight.get(key);
        if (local) {
          onRepeat?.();
          return { first: false, result: local };
        }
        const redisKey = redis.key('once', channel, key);
        const marked = await redis.command<string | null>(['SET', redisKey, 'pending', 'NX', 'PX', String(PENDING_MS)]);
        if (marked === null) {
          onRepeat?.();
          return { first: false, result: waitForResult<T>(redis, redisKey) };
        }
        const result = work();
        inFlight.set(key, result);
        void result.then(
          (value) => {
            inFlight.delete(key);
            const stored = JSON.stringify({ value: value ?? null });
            return redis.command(['SET', redisKey, stored, 'PX', String(ttlMs)]).catch(() => undefined);
          },
          () => {
            inFlight.delete(key);
            return redis.command(['DEL', redisKey]).catch(() => undefined);
          },
        );
        return { first: true, result };
      },
    };
  };
}

async function waitForResult<T>(redis: SharedRedis, redisKey: string): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const stored = await redis.command<string | null>(['GET', redisKey]);
    if (stored !== null && stored !== 'pending') return (JSON.parse(stored) as { value: T }).value;
    // Gone: the first run failed and gave its key up; this delivery is refused, so the platform tries again.
    if (stored === null || Date.now() > deadline)
      throw new StoreUnavailableError('the first delivery of this message is still being answered (or failed); retry');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
