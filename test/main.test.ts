import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.js';
import { readStateOnDisk } from '../src/store/conversations/store.js';
import { BUILD_COMMAND, exited, SERVER_COMMAND, startServer } from './support/server.js';

async function ask(url: string, body: unknown) {
  const res = await fetch(`${url}/api/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { text: string; intent: string | null; fallback: boolean } };
}

describe('the server as `npm start` runs it', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'article-bot-main-'));
    server = await startServer({ STATE_FILE: path.join(dir, 'state.json') });
  });

  afterAll(() => {
    server?.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('is healthy and answers a question over HTTP', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const { status, body } = await ask(server.url, { text: 'How many members does LinkedIn have?' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ intent: 'linkedin.members', fallback: false });
    expect(body.text).toContain('300 million');
  });

  it('answers the follow-up questions in order in one conversation', async () => {
    const script: [string, string][] = [
      ['Who is He Miao?', 'Tianji'],
      ['Which company does she work for?', 'Tianji'],
      ['Tell me about Tianji', '18 million'],
      ['How many users does it have?', '18 million'],
      ['How many users does WeChat have?', '500 million'],
      ['And LinkedIn?', '300 million'],
    ];
    for (const [text, expected] of script) {
      const { status, body } = await ask(server.url, { text, conversationId: 'main-test' });
      expect(status).toBe(200);
      expect(body.text).toContain(expected);
    }
    const stored = readStateOnDisk(path.join(dir, 'state.json'));
    expect(stored.conversations['webhook:main-test']!.state.turns).toBe(script.length);
  });

  it('starts from the recognizers npm run build prepared, without training', () => {
    const ready = server
      .logs()
      .split('\n')
      .find((line) => line.includes('"article bot ready"'));
    expect(JSON.parse(ready!).preparedBot).toBe('used');
    expect(server.logs()).not.toContain('recognizers trained at start-up');
  });

  it('prints no "injected env" lines from natural\'s bundled dotenv', () => {
    expect(server.logs()).not.toContain('injected env');
  });

  it('listens on the address HOST names, and says so in its ready line', async () => {
    const local = await startServer({ STATE_FILE: path.join(dir, 'host.json'), HOST: '127.0.0.1' });
    try {
      expect(local.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${local.url}/healthz`)).status).toBe(200);
    } finally {
      local.child.kill('SIGKILL');
    }
  });

  it('reads .env from the project folder, not the folder it is started from, and warns of a misspelt variable', async () => {
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'article-bot-cwd-'));
    // A .env here would stop the server (PORT is no port) if it were read.
    writeFileSync(path.join(elsewhere, '.env'), 'PORT=not-a-port\n');
    const other = await startServer(
      { STATE_FILE: path.join(elsewhere, 'state.json'), RATE_LIMIT_PER_ADRESS: '5' },
      elsewhere,
    );
    try {
      expect((await fetch(`${other.url}/healthz`)).status).toBe(200);
      expect(other.logs()).toContain(
        'RATE_LIMIT_PER_ADRESS is not a variable the bot reads; did you mean RATE_LIMIT_PER_ADDRESS?',
      );
    } finally {
      other.child.kill('SIGKILL');
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('exits 0 on SIGTERM', async () => {
    const code = exited(server.child);
    server.child.kill('SIGTERM');
    expect(await code).toBe(0);
  });
});

describe('start-up errors', () => {
  async function startFailing(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(SERVER_COMMAND[0], SERVER_COMMAND.slice(1), {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    return { code: await exited(child), stderr };
  }

  it('stops with a message naming a bad variable', async () => {
    const { code, stderr } = await startFailing({ PORT: 'not-a-port' });
    expect(code).toBe(2);
    expect(stderr).toContain('PORT');
  });

  it('stops naming the missing secret of a half-configured platform, and never prints the secret given', async () => {
    const { code, stderr } = await startFailing({
      SLACK_SIGNING_SECRET: 'given-signing-secret-value',
      SLACK_BOT_TOKEN: '',
    });
    expect(code).toBe(2);
    expect(stderr).toContain('SLACK_BOT_TOKEN');
    expect(stderr).not.toContain('given-signing-secret-value');
  });
});

describe('npm start', () => {
  it('builds, then runs the command these tests start', () => {
    const { scripts } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(scripts.prestart).toBe('npm run build');
    expect(scripts.build).toBe(`node ${BUILD_COMMAND.slice(1).join(' ')}`);
    // exec: the shell npm runs the script in becomes the server, so the signal npm passes on reaches it.
    expect(scripts.start).toBe(`exec node ${SERVER_COMMAND.slice(1).join(' ')}`);
  });

  it('stops the server when `npm start` itself gets SIGTERM, as Docker and systemd send it', async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'article-bot-npm-start-'));
    // --ignore-scripts skips prestart's build: the tests' own build is in dist/, and other test files run it now.
    const npm = spawn('npm', ['start', '--ignore-scripts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, PORT: '0', STATE_FILE: path.join(stateDir, 'state.json'), WEBHOOK_SECRET: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start not ready:\n${output}`)), 60_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        // Whole lines only: the last may still be coming.
        const ready = output
          .split('\n')
          .slice(0, -1)
          .find((line) => line.includes('"article bot ready"'));
        if (ready) {
          clearTimeout(timer);
          resolve(JSON.parse(ready).url as string);
        }
      };
      npm.stdout!.on('data', onData);
      npm.stderr!.on('data', onData);
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    npm.kill('SIGTERM');
    expect(await exited(npm)).toBe(0);
    // No server left behind: the port answers no more.
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    rmSync(stateDir, { recursive: true, force: true });
  }, 90_000);

  it('builds the server alone into dist/, with the web page beside the web channel that serves it', () => {
    const dist = path.join(PROJECT_ROOT, 'dist');
    expect(existsSync(path.join(dist, 'main.js'))).toBe(true);
    for (const file of ['index.html', 'chat.js', 'chat.css']) {
      expect(readFileSync(path.join(dist, 'channels', 'web', 'page', file), 'utf8')).toBe(
        readFileSync(path.join(PROJECT_ROOT, 'src', 'channels', 'web', 'page', file), 'utf8'),
      );
    }
    // No tools, no command-line programs other than the server, no tests.
    expect(readdirSync(dist).sort()).toEqual([
      'app.js',
      'bot.js',
      'channels',
      'config.js',
      'conversation',
      'core',
      'env.js',
      'http',
      'log.js',
      'main.js',
      // The recognizers, trained by the compiled code (see test/prepared-bot.test.ts).
      'prepared-bot.json',
      'store',
    ]);
  });
});
