import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { Metrics } from '../../src/http/metrics.js';
import { createLogger } from '../../src/log.js';
import { LowConversationStore } from '../../src/store/conversations/store.js';
import { fixture, sharedBot } from '../support/article.js';
import { exited, startServer } from '../support/server.js';

const { engine } = await sharedBot();
let dir: string;
let store: LowConversationStore;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metrics-'));
  store = await LowConversationStore.open(path.join(dir, 'state.json'), { sweepIntervalMs: 0 });
});

afterAll(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The value of one sample of the exposition text, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('GET /metrics', () => {
  it('counts requests by route, answers by channel and outcome, confidence and store writes', async () => {
    const app = createApp({
      engine,
      conversations: store,
      logger: createLogger('silent'),
      metrics: new Metrics(),
      perConversationLimit: 2,
    });
    const ask = (text: string, conversationId?: string) =>
      request(app).post('/api/webhook').send({ text, conversationId });
    await ask('How many users does WeChat have?', 'm1');
    await ask('Who founded Google?', 'm1');
    await ask('How many members does LinkedIn have in Brazil?');
    expect((await ask('Who is He Miao?', 'm1')).status).toBe(429);
    await request(app).get('/no-such-page');

    const res = await request(app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.text;
    expect(sample(text, 'http_request_duration_seconds_count', { route: '/api/webhook', status_code: '200' })).toBe(3);
    expect(sample(text, 'http_request_duration_seconds_count', { route: '/api/webhook', status_code: '429' })).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count', { route: 'unmatched', status_code: '404' })).toBe(1);
    expect(sample(text, 'bot_answers_total', { channel: 'webhook', outcome: 'answered' })).toBe(1);
    expect(sample(text, 'bot_answers_total', { channel: 'webhook', outcome: 'fallback' })).toBe(1);
    expect(sample(text, 'bot_answers_total', { channel: 'none', outcome: 'near_miss' })).toBe(1);
    expect(sample(text, 'bot_recognition_confidence_count')).toBe(3);
    expect(sample(text, 'conversation_store_write_seconds_count')).toBe(2);
    expect(sample(text, 'rate_limited_requests_total', { limit: 'conversation' })).toBe(1);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
  });

  it("counts a platform's retry answered again, and the requests over the address limit", async () => {
    const app = createApp({
      engine,
      conversations: store,
      logger: createLogger('silent'),
      metrics: new Metrics(),
      perAddressLimit: 2,
      channels: { telegram: { secretToken: 'telegram-metrics-secret-0123' } },
    });
    const update = fixture<Record<string, unknown>>('telegram/text-message.json');
    const deliver = () =>
      request(app)
        .post('/api/telegram')
        .set('Content-Type', 'application/json')
        .set('X-Telegram-Bot-Api-Secret-Token', 'telegram-metrics-secret-0123')
        .send(JSON.stringify(update));
    await deliver();
    await deliver();
    for (let i = 0; i < 3; i++) await request(app).post('/api/webhook').send({ text: 'Who is Derek Shen?' });
    const text = (await request(app).get('/metrics')).text;
    expect(sample(text, 'deduplicated_requests_total', { channel: 'telegram' })).toBe(1);
    expect(sample(text, 'rate_limited_requests_total', { limit: 'address' })).toBe(1);
  });

  it('asks for the bearer token METRICS_TOKEN names, when set', async () => {
    const app = createApp({
      engine,
      conversations: store,
      logger: createLogger('silent'),
      metrics: new Metrics(),
      metricsToken: 'a-metrics-token',
    });
    expect((await request(app).get('/metrics')).status).toBe(401);
    expect((await request(app).get('/metrics').set('Authorization', 'Bearer wrong')).status).toBe(401);
    expect((await request(app).get('/metrics').set('Authorization', 'Bearer a-metrics-token')).status).toBe(200);
  });
});

describe('the real server (npm start) serves its metrics', () => {
  it('exposes the process, its requests and its answers at /metrics', async () => {
    const server = await startServer({ STATE_FILE: path.join(dir, 'server.json') });
    try {
      await fetch(`${server.url}/api/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: '微信用户有多少', conversationId: 'real' }),
      });
      const text = await (await fetch(`${server.url}/metrics`)).text();
      expect(sample(text, 'bot_answers_total', { channel: 'webhook', outcome: 'answered' })).toBe(1);
      expect(sample(text, 'http_request_duration_seconds_count', { route: '/api/webhook' })).toBe(1);
      expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    } finally {
      server.child.kill('SIGTERM');
      await exited(server.child);
    }
  });
});
