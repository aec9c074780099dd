import { normalizeQuestion } from '../../core/text.js';
import type { Logger } from '../../log.js';
import { byCount, UNANSWERED_DEFAULTS, type UnansweredQuestion, type UnansweredRecorder } from '../unanswered.js';
import type { SharedRedis } from './client.js';
import { script, throttle } from './shared.js';

/**
 * Counts one question in the review: a hash of questions (each a JSON entry) and a sorted set of when each was
 * last seen, trimmed by age and size in the same script, so every instance adds to one bounded review.
 * KEYS: entries, last seen. ARGV: text, now (ISO), now (ms), outcome, nearest (JSON), oldest kept (ms), max entries.
 */
const RECORD = script(`
local current = redis.call('HGET', KEYS[1], ARGV[1])
local entry
if current then
  entry = cjson.decode(current)
  entry.count = entry.count + 1
else
  entry = { text = ARGV[1], count = 1, firstSeen = ARGV[2] }
end
entry.lastSeen = ARGV[2]
entry.outcome = ARGV[4]
entry.nearest = ARGV[5]
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(entry))
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[6])
local size = redis.call('ZCARD', KEYS[2]) - #expired
local over = size - tonumber(ARGV[7])
if over > 0 then
  local oldest = redis.call('ZRANGE', KEYS[2], #expired, #expired + over - 1)
  for _, text in ipairs(oldest) do table.insert(expired, text) end
end
for _, text in ipairs(expired) do
  redis.call('HDEL', KEYS[1], text)
  redis.call('ZREM', KEYS[2], text)
end
return 1
`);

/** The review of unanswered questions in Redis, shared by every instance (`npm run review` reads it there). */
export class RedisUnanswered implements UnansweredRecorder {
  private readonly pending = new Set<Promise<unknown>>();
  private readonly keys: string[];
  private readonly complain = throttle();

  constructor(
    private readonly redis: SharedRedis,
    private readonly logger: Logger,
    private readonly settings = UNANSWERED_DEFAULTS,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.keys = [redis.key('unanswered'), redis.key('unanswered', 'seen')];
  }

  record(question: string, outcome: UnansweredQuestion['outcome'], nearest: UnansweredQuestion['nearest']): void {
    const text = normalizeQuestion(question);
    if (text === '') return;
    const now = this.now();
    const write = this.redis
      .run(RECORD, this.keys, [
        text,
        now.toISOString(),
        now.getTime(),
        outcome,
        JSON.stringify(nearest),
        now.getTime() - this.settings.maxAgeMs,
        this.settings.maxEntries,
      ])
      .catch((error: unknown) => {
        if (!this.complain()) return;
        this.logger.warn('unanswered question not recorded: Redis unreachable', {
          error: error instanceof Error ? error.message : String(error),
        });
      });
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
  }

  async list(): Promise<UnansweredQuestion[]> {
    const reply = await this.redis.command<string[] | Record<string, string>>(['HGETALL', this.keys[0]!]);
    // HGETALL answers field, value, field, value… (RESP2), or a map (RESP3).
    const values = Array.isArray(reply) ? reply.filter((_, i) => i % 2 === 1) : Object.values(reply);
    const questions: UnansweredQuestion[] = [];
    for (const value of values) {
      try {
        const entry = JSON.parse(value) as Omit<UnansweredQuestion, 'nearest'> & { nearest: string };
        questions.push({ ...entry, nearest: JSON.parse(entry.nearest) as UnansweredQuestion['nearest'] });
      } catch {
        // An entry written by something else under the prefix: not part of the review.
      }
    }
    return questions.sort(byCount);
  }

  /** Waits for the records already sent. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }
}
