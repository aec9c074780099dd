import { afterAll, beforeAll, describe } from 'vitest';
import type { RedisConfig } from '../../src/config.js';
import { REDIS_DEFAULTS } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { SharedRedis } from '../../src/store/redis/client.js';
import { type RedisServer, redisServerAvailable, startRedisServer } from '../../tools/redis-server.js';

/**
 * A describe block with a real redis-server of its own (Debian's, started on a free port with `--save ''`) for its
 * tests, stopped after them. Without redis-server the block fails under CI (`npm test` installs it first, so CI
 * must have it) and is skipped with its reason elsewhere.
 */
export function describeWithRedis(name: string, body: (redis: () => RedisServer) => void): void {
  const available = redisServerAvailable();
  if (!available && process.env.CI) throw new Error('redis-server is not installed: apt-get install -y redis-server');
  describe.skipIf(!available)(available ? name : `${name} (skipped: redis-server is not installed)`, () => {
    let server: RedisServer;
    beforeAll(async () => {
      server = await startRedisServer();
    });
    afterAll(() => server?.stop());
    body(() => server);
  });
}

let prefixes = 0;
/** A key prefix no other test uses, so tests sharing a server never see each other's keys. */
export function freshPrefix(): string {
  prefixes += 1;
  return `test-${process.pid}-${prefixes}:`;
}

/** Settings for `server` under a fresh prefix, with short timeouts for tests; `over` changes any of them. */
export function redisConfig(server: RedisServer, over: Partial<RedisConfig> = {}): RedisConfig {
  return { ...REDIS_DEFAULTS, url: server.url, prefix: freshPrefix(), connectTimeoutMs: 500, ...over };
}

/** Another process's view of one Redis: its own connection (as another instance has). */
export function connectInstance(config: RedisConfig): Promise<SharedRedis> {
  return SharedRedis.connect(config, createLogger('silent'));
}
