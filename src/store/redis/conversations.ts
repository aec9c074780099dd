import { randomUUID } from 'node:crypto';
import type { ConversationState } from '../../core/types.js';
import { emptyState } from '../../core/types.js';
import type { Logger } from '../../log.js';
import { KeyedQueue } from '../conversations/keyed-queue.js';
import { type ConversationStore, StoreClosedError } from '../conversations/store.js';
import { StoreUnavailableError } from '../errors.js';
import type { SharedRedis } from './client.js';
import { script } from './shared.js';

/**
 * Takes the conversation's lock for `token` (SET NX PX) and, when it got it, returns the stored state and its
 * version in the same round trip; else the lock's remaining lifetime, for the wait.
 * KEYS: conversation, lock. ARGV: token, lock lifetime (ms).
 */
const ACQUIRE = script(`
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local stored = redis.call('HMGET', KEYS[1], 'v', 's')
  return {1, stored[1] or '0', stored[2] or ''}
end
return {0, redis.call('PTTL', KEYS[2])}
`);

/**
 * Writes the new state only if the version is still the one read (compare and set), so a holder whose lock
 * expired cannot overwrite a newer turn; renews the conversation's idle expiry; gives up the lock if still ours.
 * Returns the new version, or -1 when the state changed meanwhile (nothing written).
 * KEYS: conversation, lock. ARGV: token, version read, state JSON, idle expiry (ms).
 */
const COMMIT = script(`
local version = redis.call('HGET', KEYS[1], 'v') or '0'
local result = -1
if version == ARGV[2] then
  result = tonumber(version) + 1
  redis.call('HSET', KEYS[1], 'v', result, 's', ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return result
`);

/** Gives up the lock if `token` still holds it (a turn that failed before writing). KEYS: lock. ARGV: token. */
const RELEASE = script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** A turn whose write lost to a newer one is worked out again on the newer state, at most this often. */
const MAX_ATTEMPTS = 3;

/** Settings of a {@link RedisConversationStore}. */
export interface RedisStoreOptions {
  /** A conversation not written for this long expires (the key's TTL). */
  idleTtlMs: number;
  /** The lock's lifetime: a holder that died frees it after this. */
  lockMs: number;
  /** How long a turn waits for the lock before it gives up with a 503. */
  lockWaitMs: number;
  logger: Logger;
}

/**
 * Conversation state in Redis, for several instances behind one load balancer: each conversation is a hash
 * `{ v: version, s: state JSON }` that expires when idle. A turn takes the conversation's lock (an owner token
 * and a lifetime) and reads the state in one script, works out the answer, and writes with a compare-and-set on
 * the version that also gives the lock up: two round trips a turn. Turns of one conversation in this process
 * queue here first, so only turns on different instances wait for the lock. The answer is handed back only after
 * Redis acknowledged the write; when Redis cannot be reached the turn fails with a {@link StoreUnavailableError}.
 */
export class RedisConversationStore implements ConversationStore {
  private readonly queue = new KeyedQueue();
  private closing = false;

  constructor(
    private readonly redis: SharedRedis,
    private readonly options: RedisStoreOptions,
  ) {}

  transact<T>(id: string, turn: (state: ConversationState) => { state: ConversationState; result: T }): Promise<T> {
    if (this.closing) return Promise.reject(new StoreClosedError('transact'));
    return this.queue.run(id, () => this.locked(id, turn));
  }

  /** The conversation's stored state, or null (for tests and tools; not a turn). */
  async read(id: string): Promise<{ version: number; state: ConversationState } | null> {
    const [version, state] = await this.redis.command<(string | null)[]>([
      'HMGET',
      this.redis.key('conv', id),
      'v',
      's',
    ]);
    if (version === null || version === undefined) return null;
    return { version: Number(version), state: this.parse(id, state ?? '') };
  }

  async unwritable(): Promise<string | null> {
    if (this.closing) return 'the conversation store is closed';
    return this.redis.unreachable();
  }

  /** Waits for the turns already started; the shared connection is closed by whoever opened it. */
  async close(): Promise<void> {
    this.closing = true;
    await this.queue.idle();
  }

  private async locked<T>(
    id: string,
    turn: (state: ConversationState) => { state: ConversationState; result: T },
  ): Promise<T> {
    const keys = [this.redis.key('conv', id), this.redis.key('lock', id)];
    for (let attempt = 1; ; attempt++) {
      const token = randomUUID();
      const { version, stored } = await this.acquire(id, keys, token);
      let next: { state: ConversationState; result: T };
      try {
        next = turn(this.parse(id, stored));
      } catch (error) {
        await this.redis.run(RELEASE, [keys[1]!], [token]).catch(() => undefined);
        throw error;
      }
      const written = await this.redis.run<number>(COMMIT, keys, [
        token,
        version,
        JSON.stringify(next.state),
        this.options.idleTtlMs,
      ]);
      if (written !== -1) return next.result;
      // Our lock outlived its lifetime and another instance's turn was stored first: answer again on its state.
      this.options.logger.warn('conversation changed while its turn was worked out; answering again', {
        conversationId: id,
        attempt,
      });
      if (attempt >= MAX_ATTEMPTS)
        throw new StoreUnavailableError(`conversation ${id} kept changing under its turn; try again`);
    }
  }

  /** Takes the lock, waiting (briefly, then up to the lock's remaining lifetime) while another instance has it. */
  private async acquire(id: string, keys: string[], token: string): Promise<{ version: string; stored: string }> {
    const deadline = Date.now() + this.options.lockWaitMs;
    for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
      const reply = await this.redis.run<[number, string | number, string?]>(ACQUIRE, keys, [
        token,
        this.options.lockMs,
      ]);
      if (reply[0] === 1) return { version: String(reply[1]), stored: reply[2] ?? '' };
      const left = deadline - Date.now();
      if (left <= 0)
        throw new StoreUnavailableError(
          `conversation ${id} is busy on another instance for longer than REDIS_LOCK_WAIT_MS (${this.options.lockWaitMs} ms)`,
        );
      const lockLeft = Number(reply[1]);
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(1, Math.min(pause, left, lockLeft > 0 ? lockLeft : pause))),
      );
    }
  }

  private parse(id: string, stored: string): ConversationState {
    if (stored === '') return emptyState();
    try {
      return JSON.parse(stored) as ConversationState;
    } catch {
      this.options.logger.warn('stored conversation is not JSON; it starts afresh', { conversationId: id });
      return emptyState();
    }
  }
}
