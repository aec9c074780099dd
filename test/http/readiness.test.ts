import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { Journal } from '../../src/store/conversations/journal.js';
import { LowConversationStore } from '../../src/store/conversations/store.js';
import { sharedBot } from '../support/article.js';
import { exited, startServer } from '../support/server.js';

const { engine } = await sharedBot();
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readiness-'));
});

afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function appWith(store: LowConversationStore) {
  return createApp({ engine, conversations: store, logger: createLogger('silent') });
}

describe('readiness: a store that cannot write', () => {
  it('is ready while turns can be stored', async () => {
    const store = await LowConversationStore.open(path.join(dir, 'state.json'), { sweepIntervalMs: 0 });
    const app = await appWith(store);
    const res = await request(app).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready' });
    await store.close();
  });

  it('answers a turn it cannot store with 503 and Retry-After, and /readyz fails while /healthz stays up', async () => {
    // Writes to /dev/full fail with ENOSPC, as on a full disk.
    const openJournal = Journal.open.bind(Journal);
    vi.spyOn(Journal, 'open').mockImplementation((_at, options) => openJournal('/dev/full', options));
    const store = await LowConversationStore.open(path.join(dir, 'state.json'), { sweepIntervalMs: 0 });
    const app = await appWith(store);
    const turn = await request(app).post('/api/webhook').send({ text: 'Who is He Miao?', conversationId: 'full' });
    expect(turn.status).toBe(503);
    expect(turn.headers['retry-after']).toBe('5');
    expect(turn.body.error.code).toBe('store_unavailable');
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.headers['retry-after']).toBe('5');
    expect(ready.body.error.message).toContain('STATE_FILE');
    expect((await request(app).get('/healthz')).status).toBe(200);
    await store.close();
  });
});

describe('the real server (npm start) when its last snapshot cannot be written', () => {
  it('exits non-zero on SIGTERM, saying why', async () => {
    const stateDir = path.join(dir, 'state');
    const server = await startServer({ STATE_FILE: path.join(stateDir, 'state.json') });
    const res = await fetch(`${server.url}/api/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Who is He Miao?', conversationId: 'last' }),
    });
    expect(res.status).toBe(200);
    // The folder goes: the journal's open file still takes writes, but no snapshot can be written there.
    fs.rmSync(stateDir, { recursive: true, force: true });
    server.child.kill('SIGTERM');
    expect(await exited(server.child)).toBe(1);
    expect(server.logs()).toContain('the last snapshot could not be written');
  });
});
