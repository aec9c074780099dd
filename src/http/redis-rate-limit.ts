import type { Logger } from '../log.js';
import type { SharedRedis } from '../store/redis/client.js';
import { script, throttle } from '../store/redis/shared.js';
import { type Limiter, type RateLimit, RateLimiter } from './rate-limit.js';

/**
 * The token bucket of {@link RateLimiter}, kept in Redis so every instance draws on one bucket per key, on
 * Redis's clock. Returns 0 when a token was taken, else the whole seconds until one is available.
 * KEYS: bucket. ARGV: requests per window, window (ms).
 */
const TAKE = script(`
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local capacity = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local rate = capacity / window
local bucket = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens = tonumber(bucket[1]) or capacity
local at = tonumber(bucket[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.max(1, math.ceil((1 - tokens) / rate / 1000)) end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], window)
return wait
`);

/**
 * A rate limit shared by every instance (`name` keeps the address and conversation buckets apart). While Redis
 * cannot be reached, this process's own buckets stand in (an insurance limiter), so a Redis outage neither lifts
 * the limits nor refuses everyone.
 */
export class RedisRateLimiter implements Limiter {
  private readonly insurance: RateLimiter;
  private readonly complain = throttle();

  constructor(
    private readonly redis: SharedRedis,
    private readonly name: string,
    private readonly limit: RateLimit,
    private readonly logger: Logger,
  ) {
    this.insurance = new RateLimiter(limit);
  }

  async take(key: string): Promise<number> {
    if (this.limit.requests <= 0) return 0;
    try {
      return await this.redis.run<number>(
        TAKE,
        [this.redis.key('rate', this.name, key)],
        [this.limit.requests, this.limit.windowMs],
      );
    } catch {
      if (this.complain()) {
        this.logger.warn('rate limit: Redis unreachable, counting in this process until it is back', {
          limit: this.name,
        });
      }
      return this.insurance.take(key);
    }
  }
}
