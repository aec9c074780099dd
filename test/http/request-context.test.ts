import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { type FinishedRequest, requestContext } from '../../src/http/request-context.js';
import { createLogger } from '../../src/log.js';

function appLogging(finished?: FinishedRequest) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('debug', (line) => lines.push(JSON.parse(line)));
  const app = express();
  app.use(requestContext(logger, finished));
  app.get('/work', async (_req, res) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    logger.info('did some work');
    res.json({ ok: true });
  });
  app.get('/refuse', (_req, res) => {
    res.status(401).json({ error: { code: 'nope', message: 'no' } });
  });
  return { app, lines };
}

describe('requestContext', () => {
  it('gives each request an id, echoes it, and puts it on every log line of the request', async () => {
    const { app, lines } = appLogging();
    const res = await request(app).get('/work').set('Authorization', 'Bearer secret-token-value');
    const id = res.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const work = lines.find((l) => l.message === 'did some work');
    expect(work?.requestId).toBe(id);
    const done = lines.find((l) => l.message === 'request');
    expect(done).toMatchObject({ requestId: id, method: 'GET', path: '/work', status: 200, level: 'debug' });
    expect(JSON.stringify(lines)).not.toContain('secret-token-value');
  });

  it('keeps a safe caller id and replaces one that could forge log lines', async () => {
    const { app } = appLogging();
    expect((await request(app).get('/work').set('X-Request-Id', 'abc-123')).headers['x-request-id']).toBe('abc-123');
    const forged = await request(app).get('/work').set('X-Request-Id', 'a"}\\n{"level":"error');
    expect(forged.headers['x-request-id']).not.toContain('"');
  });

  it('logs refused requests at info, so problems show at the default level', async () => {
    const { app, lines } = appLogging();
    await request(app).get('/refuse');
    expect(lines.find((l) => l.message === 'request')).toMatchObject({ status: 401, level: 'info' });
  });

  it('gives concurrent requests their own ids', async () => {
    const { app, lines } = appLogging();
    const responses = await Promise.all([1, 2, 3, 4].map(() => request(app).get('/work')));
    const ids = responses.map((r) => r.headers['x-request-id']);
    expect(new Set(ids).size).toBe(4);
    const workIds = lines.filter((l) => l.message === 'did some work').map((l) => l.requestId);
    expect(new Set(workIds)).toEqual(new Set(ids));
  });

  it('tells `finished` of each response, with its duration in seconds, once, after the log line', async () => {
    const heard: { path: string; status: number; seconds: number; logged: boolean }[] = [];
    const { app, lines } = appLogging((req, res, seconds) =>
      heard.push({
        path: req.path,
        status: res.statusCode,
        seconds,
        logged: lines.some((l) => l.message === 'request'),
      }),
    );
    await request(app).get('/work');
    await request(app).get('/refuse');
    expect(heard.map(({ path, status }) => [path, status])).toEqual([
      ['/work', 200],
      ['/refuse', 401],
    ]);
    // /work waits 5 ms before it answers.
    expect(heard[0]!.seconds).toBeGreaterThanOrEqual(0.004);
    expect(heard[0]!.seconds).toBeLessThan(60);
    expect(heard[0]!.logged).toBe(true);
  });
});
