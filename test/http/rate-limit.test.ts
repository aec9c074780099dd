import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { RateLimiter } from '../../src/http/rate-limit.js';
import { createLogger } from '../../src/log.js';
import { LowConversationStore } from '../../src/store/conversations/store.js';
import { sharedBot } from '../support/article.js';

describe('RateLimiter', () => {
  it('lets a burst up to the limit through, then says how long to wait, then refills', () => {
    let now = 0;
    const limiter = new RateLimiter({ requests: 3, windowMs: 60_000 }, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(20);
    expect(limiter.take('b')).toBe(0);
    now += 20_000;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(20);
  });

  it('never limits with 0 requests', () => {
    const limiter = new RateLimiter({ requests: 0, windowMs: 1000 });
    for (let i = 0; i < 1000; i++) expect(limiter.take('a')).toBe(0);
    expect(limiter.size).toBe(0);
  });

  it('forgets keys that have been idle for a window, so memory follows the active keys', () => {
    let now = 0;
    const limiter = new RateLimiter({ requests: 5, windowMs: 1000 }, () => now);
    for (let i = 0; i < 1000; i++) limiter.take(`key-${i}`);
    expect(limiter.size).toBe(1000);
    now += 1000;
    limiter.take('fresh');
    expect(limiter.size).toBe(1);
  });
});

describe('the per-address limit on the app', () => {
  it('answers 429 with Retry-After and a JSON error once an address is over its limit', async () => {
    const bot = await sharedBot();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rate-limit-test-'));
    const store = await LowConversationStore.open(path.join(dir, 'state.json'));
    const app = createApp({
      engine: bot.engine,
      conversations: store,
      logger: createLogger('silent'),
      perAddressLimit: 2,
    });
    const ask = () => request(app).post('/api/webhook').send({ text: 'Who is Derek Shen?' });
    expect((await ask()).status).toBe(200);
    expect((await ask()).status).toBe(200);
    const limited = await ask();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.body.error.code).toBe('rate_limited');
    // Health checks are never limited: an orchestrator must see a busy bot as alive.
    expect((await request(app).get('/healthz')).status).toBe(200);
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
