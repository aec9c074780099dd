import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signLineBody } from '../src/channels/line/signature.js';
import { fixture } from './support/article.js';
import { exited, type RunningServer, startServer } from './support/server.js';

const dirs: string[] = [];
const servers: RunningServer[] = [];

afterAll(() => {
  for (const server of servers) server.child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function stateDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'article-bot-resilience-'));
  dirs.push(dir);
  return dir;
}

async function start(env: Record<string, string>): Promise<RunningServer> {
  const server = await startServer({ RATE_LIMIT_PER_ADDRESS: '0', RATE_LIMIT_PER_CONVERSATION: '0', ...env });
  servers.push(server);
  return server;
}

async function ask(url: string, text: string, conversationId: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/api/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text, conversationId }),
  });
  const body = (await res.json()) as { text?: string };
  return { status: res.status, text: body.text ?? '' };
}

describe('a SIGKILL in the middle of sustained traffic', () => {
  it('loses no conversation whose reply was received, and leaves the state file valid JSON', async () => {
    const dir = stateDir();
    const stateFile = path.join(dir, 'state.json');
    const server = await start({ STATE_FILE: stateFile });

    // Each conversation asks about He Miao over and over; its context then makes "her" mean He Miao.
    const acknowledged = new Set<string>();
    let stop = false;
    const users = Array.from({ length: 24 }, (_, i) => `crash-${i}`);
    const traffic = users.map(async (id) => {
      while (!stop) {
        try {
          const { status } = await ask(server.url, 'Who is He Miao?', id);
          if (status === 200) acknowledged.add(id);
        } catch {
          return; // the server is gone
        }
      }
    });
    // Kill once at least some conversations have been answered and others are surely in flight.
    while (acknowledged.size < users.length / 2) await new Promise((resolve) => setTimeout(resolve, 5));
    server.child.kill('SIGKILL');
    await exited(server.child);
    stop = true;
    await Promise.all(traffic);

    if (existsSync(stateFile)) expect(() => JSON.parse(readFileSync(stateFile, 'utf8'))).not.toThrow();

    const restarted = await start({ STATE_FILE: stateFile });
    for (const id of acknowledged) {
      const { status, text } = await ask(restarted.url, 'What is her job?', id);
      expect(status).toBe(200);
      expect(text, `conversation ${id} lost its context`).toContain('marketing director');
    }
    // A conversation never heard of has no context: the same question gets a question back.
    expect((await ask(restarted.url, 'What is her job?', 'never-seen')).text).toContain('Who do you mean');
    restarted.child.kill('SIGKILL');
  });
});

describe('SIGTERM', () => {
  it('stops accepting, sends the answers still in flight, keeps the conversations, and exits 0 within 5 s', async () => {
    // A LINE reply API that takes 800 ms: the answer is still on its way when SIGTERM arrives.
    const received: { body: string; at: number }[] = [];
    const lineApi = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        setTimeout(() => {
          received.push({ body, at: Date.now() });
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        }, 800);
      });
    });
    await new Promise<void>((resolve) => lineApi.listen(0, '127.0.0.1', resolve));
    const secret = 'line-shutdown-test-secret';
    const dir = stateDir();
    const stateFile = path.join(dir, 'state.json');
    const env = {
      STATE_FILE: stateFile,
      LINE_CHANNEL_SECRET: secret,
      LINE_CHANNEL_ACCESS_TOKEN: 'line-shutdown-test-token',
      LINE_API_URL: `http://127.0.0.1:${(lineApi.address() as AddressInfo).port}`,
    };
    try {
      const server = await start(env);
      expect((await ask(server.url, 'Who is He Miao?', 'before-shutdown')).status).toBe(200);

      const event = JSON.stringify(fixture('line/text-message.json'));
      const acknowledged = await fetch(`${server.url}/api/line`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-line-signature': signLineBody(event, secret) },
        body: event,
      });
      expect(acknowledged.status).toBe(200);

      const signalled = Date.now();
      const code = exited(server.child);
      server.child.kill('SIGTERM');
      expect(await code).toBe(0);
      const exitedAt = Date.now();
      expect(exitedAt - signalled).toBeLessThan(5000);
      expect(received).toHaveLength(1);
      expect(received[0]!.body).toContain('300 million');
      expect(received[0]!.at).toBeLessThanOrEqual(exitedAt);
      expect(server.logs()).toContain('"shutting down"');
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();

      const restarted = await start(env);
      expect((await ask(restarted.url, 'What is her job?', 'before-shutdown')).text).toContain('marketing director');
      restarted.child.kill('SIGKILL');
    } finally {
      lineApi.closeAllConnections();
      lineApi.close();
    }
  });
});
