import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.js';
import { exited, type RunningServer, startServer } from './support/server.js';

/** An article folder of its own, which the test rewrites while the server runs. */
let article: string;
let server: RunningServer;

const ask = async (text: string) => {
  const res = await fetch(`${server.url}/api/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  return (await res.json()) as { text: string; fallback: boolean };
};

/** Resolves once the server has logged `line` (a reload is done in the background). */
async function logged(line: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!server.logs().includes(line)) {
    if (Date.now() > until) throw new Error(`not logged within ${timeoutMs} ms: ${line}\n${server.logs()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function copyArticle(from: string): void {
  fs.rmSync(path.join(article, 'data'), { recursive: true, force: true });
  fs.rmSync(path.join(article, 'intents'), { recursive: true, force: true });
  fs.cpSync(path.join(from, 'data'), path.join(article, 'data'), { recursive: true });
  fs.cpSync(path.join(from, 'intents'), path.join(article, 'intents'), { recursive: true });
}

beforeAll(async () => {
  article = fs.mkdtempSync(path.join(os.tmpdir(), 'reload-'));
  copyArticle(path.join(PROJECT_ROOT, 'test', 'fixtures', 'second-article'));
  server = await startServer({ ARTICLE_DIR: article, STATE_FILE: path.join(article, 'state.json') });
});

afterAll(async () => {
  server?.child.kill('SIGTERM');
  if (server) await exited(server.child);
  fs.rmSync(article, { recursive: true, force: true });
});

describe('SIGHUP (npm start)', () => {
  it('reads data/ and intents/ again and answers from the new article, without a restart', async () => {
    expect((await ask('Who donated the seeds?')).text).toContain('Millbrook Garden Club');
    expect((await ask('How many users does WeChat have?')).fallback).toBe(true);
    copyArticle(PROJECT_ROOT);
    server.child.kill('SIGHUP');
    await logged('"article reloaded"');
    expect((await ask('How many users does WeChat have?')).text).toContain('500 million');
    expect(server.child.exitCode).toBeNull();
  });

  it('keeps the article it has when a file is wrong, naming the file and the field', async () => {
    const broken = path.join(article, 'intents', 'wechat.users.json');
    const intent = JSON.parse(fs.readFileSync(broken, 'utf8'));
    fs.writeFileSync(broken, JSON.stringify({ ...intent, answer: { facts: ['no-such-fact'] } }));
    server.child.kill('SIGHUP');
    await logged('"reload failed; still answering from the article as it was"');
    expect(server.logs()).toContain('wechat.users.json');
    expect(server.logs()).toContain('no-such-fact');
    expect((await ask('How many users does WeChat have?')).text).toContain('500 million');
  });
});

describe('Turns.replaceEngine', () => {
  it('answers a turn already started with the engine it started with, and every later one with the new', async () => {
    const { loadBot } = await import('../src/bot.js');
    const { Turns } = await import('../src/conversation/turns.js');
    const { emptyState } = await import('../src/core/types.js');
    const [first, second] = await Promise.all([
      loadBot(),
      loadBot(path.join(PROJECT_ROOT, 'test', 'fixtures', 'second-article')),
    ]);
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    // A store whose first write waits: the turn has started (its engine taken) before the swap.
    const store = {
      async transact<T>(_id: string, turn: (s: ReturnType<typeof emptyState>) => { result: T }) {
        await held;
        return turn(emptyState()).result;
      },
      close: async () => {},
    };
    const turns = new Turns({ engine: first.engine, conversations: store });
    const started = turns.answer('c', 'How many users does WeChat have?');
    turns.replaceEngine(second.engine);
    release();
    expect((await started).text).toContain('500 million');
    expect((await turns.answer('c', 'Who donated the seeds?')).text).toContain('Millbrook Garden Club');
  });
});
