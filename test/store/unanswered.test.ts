import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { Turns } from '../../src/conversation/turns.js';
import { LowConversationStore } from '../../src/store/conversations/store.js';
import { UnansweredLog } from '../../src/store/unanswered.js';
import { sharedBot } from '../support/article.js';
import { exited, startServer } from '../support/server.js';
import { fakeClock } from '../support/store.js';

const { engine } = await sharedBot();
let dir: string;
let file: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unanswered-'));
  file = path.join(dir, 'unanswered.json');
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the review of unanswered questions', () => {
  it('keeps fallbacks with their count, times and nearest intents, and no conversation id; not answers', async () => {
    const log = await UnansweredLog.open(file, { flushIntervalMs: 0 });
    const store = await LowConversationStore.open(path.join(dir, 'state.json'), { sweepIntervalMs: 0 });
    const turns = new Turns({ engine, conversations: store, unanswered: log });
    await turns.answer('user-42', 'What is LinkedIn’s revenue?');
    await turns.answer('user-43', 'what is linkedin s revenue');
    await turns.answer(undefined, 'How many users does WeChat have?');
    await turns.answer(undefined, 'Hello!');
    await log.close();
    await store.close();
    const written = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(written.questions).toHaveLength(1);
    const [q] = written.questions;
    expect(q).toMatchObject({ text: 'what is linkedin s revenue', count: 2, outcome: 'fallback' });
    expect(q.nearest.length).toBeGreaterThan(0);
    expect(q.nearest[0].intent).toMatch(/^linkedin\./);
    expect(JSON.stringify(written)).not.toContain('user-42');
  });

  it('ranks the nearest intents the same whether or not the question was answered first (its reading is kept)', () => {
    const fresh = (q: string) => engine.nearestIntents(q);
    for (const q of ['How much revenue does LinkedIn China make?', '领英在中国的收入是多少？']) {
      const before = fresh(`${q} `);
      engine.respond(`${q} `);
      expect(fresh(`${q} `)).toEqual(before);
      expect(before.length).toBe(3);
      expect(before[0]!.score).toBeGreaterThanOrEqual(before[2]!.score);
    }
  });

  it('keeps at most maxEntries, the most recent, and forgets those not seen for maxAgeMs', async () => {
    const clock = fakeClock();
    const log = await UnansweredLog.open(file, { maxEntries: 3, maxAgeMs: 60_000, flushIntervalMs: 0, now: clock.now });
    for (const q of ['one?', 'two?', 'three?', 'four?']) log.record(q, 'fallback', []);
    expect((await log.list()).map((q) => q.text).sort()).toEqual(['four', 'three', 'two']);
    clock.advance(61_000);
    log.record('five?', 'fallback', []);
    expect((await log.list()).map((q) => q.text)).toEqual(['five']);
  });

  it('forgets questions past maxAgeMs even when the file lists them out of order', async () => {
    const clock = fakeClock();
    const at = (daysAgo: number) => new Date(clock.now().getTime() - daysAgo * 86_400_000).toISOString();
    const entry = (text: string, daysAgo: number) => ({
      text,
      count: 1,
      firstSeen: at(daysAgo),
      lastSeen: at(daysAgo),
      outcome: 'fallback',
      nearest: [],
    });
    fs.writeFileSync(file, JSON.stringify({ questions: [entry('fresh', 1), entry('stale', 40), entry('recent', 2)] }));
    const log = await UnansweredLog.open(file, { flushIntervalMs: 0, maxAgeMs: 30 * 86_400_000, now: clock.now });
    log.record('new one?', 'fallback', []);
    expect((await log.list()).map((q) => q.text).sort()).toEqual(['fresh', 'new one', 'recent']);
  });

  it('is kept by the real server (npm start), off with RECORD_UNANSWERED=0, and npm run review prints it', async () => {
    const server = await startServer({
      STATE_FILE: path.join(dir, 'state.json'),
      UNANSWERED_FILE: file,
      RECORD_UNANSWERED: '1',
    });
    await fetch(`${server.url}/api/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Who founded Tianji?', conversationId: 'c1' }),
    });
    server.child.kill('SIGTERM');
    expect(await exited(server.child)).toBe(0);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).questions[0].text).toBe('who founded tianji');

    const review = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/review.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, UNANSWERED_FILE: file },
      encoding: 'utf8',
    });
    expect(review.status).toBe(0);
    expect(review.stdout).toMatch(/1 x {2}"who founded tianji" {2}\(fallback, last \d{4}-\d\d-\d\d\)/);
    expect(review.stdout).toMatch(/nearest: tianji\.\S+ \d\.\d\d/);

    const off = path.join(dir, 'off.json');
    const quiet = await startServer({
      STATE_FILE: path.join(dir, 'state2.json'),
      UNANSWERED_FILE: off,
      RECORD_UNANSWERED: '0',
    });
    await fetch(`${quiet.url}/api/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Who founded Tianji?' }),
    });
    quiet.child.kill('SIGTERM');
    await exited(quiet.child);
    expect(fs.existsSync(off)).toBe(false);
  });
});
