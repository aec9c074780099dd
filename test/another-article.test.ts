import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.js';
import { exited, type RunningServer, SERVER_COMMAND, startServer } from './support/server.js';

// The design's promise: replacing data/ and intents/ gives a bot for another article without touching src/.
// test/fixtures/second-article is a small invented story with its own data/ and intents/; the server reads it
// through ARTICLE_DIR, started exactly as `npm start` starts it.

const SECOND = 'test/fixtures/second-article';

interface Reply {
  text: string;
  intent: string | null;
  fallback: boolean;
}

function readJson(file: string): any {
  return JSON.parse(readFileSync(path.join(PROJECT_ROOT, file), 'utf8'));
}

/**
 * What belongs to an article alone: the ids and texts of its records and paragraphs, the names of its intents
 * other than small talk and the fallback (which every article has), and the names of its people and companies.
 */
function contentOf(root: string): { ids: Set<string>; texts: Set<string>; names: string[] } {
  const article = readJson(path.join(root, 'data', 'article.json'));
  const records = [...article.facts, ...article.quotes, ...article.people, ...article.organizations, ...article.places];
  const intents = readdirSync(path.join(PROJECT_ROOT, root, 'intents'))
    .map((file) => file.replace(/\.json$/, ''))
    .filter((name) => !/^(smalltalk|fallback)\./.test(name));
  return {
    ids: new Set([...records.map((r: { id: string }) => r.id), ...intents]),
    texts: new Set([
      ...article.paragraphs.map((p: { text: string }) => p.text),
      ...article.facts.map((f: { statement: string }) => f.statement),
      ...article.quotes.map((q: { text: string }) => q.text),
    ]),
    names: [...article.people, ...article.organizations].map((e: { name: string }) => e.name.replace(/^the /, '')),
  };
}

describe('another article, through ARTICLE_DIR, in the server as `npm start` runs it', () => {
  let dir: string;
  let server: RunningServer;
  const ours = contentOf('.');

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'another-article-'));
    server = await startServer({ STATE_FILE: path.join(dir, 'state.json'), ARTICLE_DIR: SECOND });
  });

  afterAll(async () => {
    if (server) {
      server.child.kill('SIGKILL');
      await exited(server.child);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  async function ask(text: string, conversationId?: string): Promise<Reply> {
    const res = await fetch(`${server.url}/api/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text, conversationId }),
    });
    expect(res.status).toBe(200);
    const reply = (await res.json()) as Reply;
    // Nothing of our article ever comes out of a bot built from the other one.
    for (const name of ours.names) expect(reply.text, text).not.toContain(name);
    return reply;
  }

  it('is a fixture of its own: no record, paragraph, quote or article intent shared with data/ and intents/', () => {
    const second = contentOf(SECOND);
    expect([...second.ids].filter((id) => ours.ids.has(id))).toEqual([]);
    expect([...second.texts].filter((text) => ours.texts.has(text))).toEqual([]);
  });

  it('loads it at start-up, saying which article it serves', () => {
    const ready = server
      .logs()
      .split('\n')
      .find((line) => line.includes('"article bot ready"'));
    expect(JSON.parse(ready!)).toMatchObject({ article: path.join(PROJECT_ROOT, SECOND), intents: 17 });
  });

  it('greets and answers from the other article, with its paragraphs', async () => {
    expect((await ask('hello')).text).toMatch(/^Hello! I answer questions about one news story: the Millbrook library/);
    const borrowing = await ask('How does the seed library work?');
    expect(borrowing).toMatchObject({ intent: 'library.borrowing', fallback: false });
    expect(borrowing.text).toContain('up to five packets a month');
    expect(borrowing.text).toContain('(paragraph 2)');
    expect((await ask('Who donated the seeds?')).text).toContain('1,200 packets donated by the Millbrook Garden Club');
  });

  it.each([
    [
      'follows a person with "she" and "he"',
      [
        ['Who is Ana Torres?', 'librarian who runs the seed library'],
        ['What did she say?', '"A library lends what a town needs. This spring, that includes tomatoes"'],
        ['Who is Owen Hale?', 'president of the Millbrook Garden Club'],
        ['What did he say?', 'better suited to our soil'],
      ],
    ],
    [
      'asks the last question again about another organization ("And the library?")',
      [
        ['How many members does the garden club have?', '85 members'],
        ['And the library?', 'More than 300 residents borrowed seeds in the first week'],
      ],
    ],
  ] as [string, [string, string][]][])('%s in one conversation', async (name, script) => {
    for (const [question, expected] of script) {
      const reply = await ask(question, `second-${name}`);
      expect(reply.fallback, question).toBe(false);
      expect(reply.text, question).toContain(expected);
    }
  });

  it('does not know our article: its people and companies are not in this one', async () => {
    for (const question of [
      'Who is He Miao?',
      'What did Derek Shen say?',
      'Tell me about Tianji',
      'What is the weather tomorrow?',
    ]) {
      expect(await ask(question), question).toMatchObject({ intent: null, fallback: true });
    }
  });
});

describe('ARTICLE_DIR without an article', () => {
  it('stops the server at start-up, naming the file it expected', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'no-article-'));
    try {
      const child = spawn(SERVER_COMMAND[0], SERVER_COMMAND.slice(1), {
        cwd: PROJECT_ROOT,
        env: { ...process.env, PORT: '0', ARTICLE_DIR: empty, STATE_FILE: path.join(empty, 'state.json') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      expect(await exited(child)).toBe(1);
      expect(stderr).toContain(path.join(empty, 'data', 'article.json'));
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it.each(['smalltalk.greeting', 'smalltalk.help'])(
    'stops the server at start-up when the article has no %s intent, naming the file to add',
    async (intent) => {
      const copy = mkdtempSync(path.join(os.tmpdir(), 'no-greeting-'));
      try {
        cpSync(path.join(PROJECT_ROOT, SECOND), copy, { recursive: true });
        rmSync(path.join(copy, 'intents', `${intent}.json`));
        const child = spawn(SERVER_COMMAND[0], SERVER_COMMAND.slice(1), {
          cwd: PROJECT_ROOT,
          env: { ...process.env, PORT: '0', ARTICLE_DIR: copy, STATE_FILE: path.join(copy, 'state.json') },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        expect(await exited(child)).toBe(1);
        expect(output).toContain(`intents/${intent}.json`);
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    },
  );
});
