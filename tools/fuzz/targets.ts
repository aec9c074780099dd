/**
 * The system under fuzzing: an in-process server built as main builds it (the trained bot, a lowdb
 * conversation store in a temporary directory, every platform configured with known test secrets, platform
 * APIs and the Bot Framework connector faked on 127.0.0.1), and requests sent raw with node:http. The cases
 * thrown at it, one fast-check arbitrary per public route, are in routes.ts (re-exported here).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/app.js';
import { type Bot, loadBot } from '../../src/bot.js';
import type { ChannelSettings } from '../../src/channels/index.js';
import { listen } from '../../src/http/server.js';
import { createLogger } from '../../src/log.js';
import { LowConversationStore } from '../../src/store/conversations/store.js';
import { type FuzzCase, SECRETS, WECHAT_APP_ID } from './routes.js';

export * from './routes.js';

/** What came back: the status, headers and body; `error` when no response came at all. */
export interface FuzzResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  error?: string;
}

/** Every log line the server writes, kept until drained; warnings and errors also by request id. */
export class LogRecorder {
  private pending: string[] = [];
  private readonly problems = new Map<string, string[]>();
  total = 0;
  readonly logger = createLogger('debug', (line) => {
    this.total += 1;
    this.pending.push(line);
    if (!/"level":"(warn|error)"/.test(line)) return;
    const entry = JSON.parse(line) as { requestId?: unknown; message?: unknown };
    if (typeof entry.requestId !== 'string' || entry.message === 'request') return;
    const lines = this.problems.get(entry.requestId) ?? [];
    lines.push(line);
    this.problems.set(entry.requestId, lines);
    // Only recent requests are looked up; the oldest go first.
    if (this.problems.size > 2000) this.problems.delete(this.problems.keys().next().value!);
  });

  /** The warnings and errors logged while handling the request with this X-Request-Id, without stacks. */
  problemsOf(requestId: unknown): string[] {
    if (typeof requestId !== 'string') return [];
    return (this.problems.get(requestId) ?? []).map((line) => {
      const { time: _time, stack: _stack, requestId: _id, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return JSON.stringify(rest);
    });
  }

  /** The lines written since the last call. */
  drain(): string[] {
    const lines = this.pending;
    this.pending = [];
    return lines;
  }
}

/** The running server, its fakes, and how to send it a case. */
export interface FuzzTarget {
  /** http://127.0.0.1:PORT of the bot. */
  url: string;
  /** http://127.0.0.1:PORT of the fake Slack API, LINE API and Bot Framework connector. */
  fakeUrl: string;
  /** Calls the fakes received, by kind. */
  fakeCalls: Record<'slack' | 'line' | 'connector', number>;
  logs: LogRecorder;
  send(c: FuzzCase, timeoutMs?: number): Promise<FuzzResponse>;
  close(): Promise<void>;
}

/** The bot, trained once per process. */
let botPromise: Promise<Bot> | undefined;

/**
 * Starts the bot on 127.0.0.1:0 as main builds it, with every platform configured with {@link SECRETS} and
 * its APIs (and the connector replies go to) pointed at one fake on 127.0.0.1 that answers Slack's
 * `{"ok":true}`, LINE's `{}` and the connector's `{"id":"1"}`.
 */
export async function startTarget(): Promise<FuzzTarget> {
  const fakeCalls = { slack: 0, line: 0, connector: 0 };
  // Headers of any size, so that a reply to an activity with a huge id is not refused by the fake itself.
  const fake = http.createServer({ maxHeaderSize: 1024 * 1024 }, (req, res) => {
    req.resume();
    req.on('end', () => {
      const url = req.url ?? '';
      let body: unknown = { id: '1' };
      if (url.startsWith('/slack/')) {
        fakeCalls.slack += 1;
        body = { ok: true };
      } else if (url.startsWith('/line/')) {
        fakeCalls.line += 1;
        body = {};
      } else {
        fakeCalls.connector += 1;
      }
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    });
  });
  const fakeUrl = await listenLoopback(fake);

  botPromise ??= loadBot();
  const bot = await botPromise;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-'));
  const store = await LowConversationStore.open(path.join(dir, 'conversations.json'));
  const logs = new LogRecorder();
  const channels: Partial<ChannelSettings> = {
    webhook: { secret: SECRETS.webhookSecret },
    telegram: { secretToken: SECRETS.telegramSecretToken },
    slack: { secret: SECRETS.slackSigningSecret, api: { url: `${fakeUrl}/slack`, token: SECRETS.slackBotToken } },
    wechat: { token: SECRETS.wechatToken, appId: WECHAT_APP_ID, encodingAesKey: SECRETS.wechatEncodingAesKey },
    line: { secret: SECRETS.lineChannelSecret, api: { url: `${fakeUrl}/line`, token: SECRETS.lineAccessToken } },
  };
  const app = createApp({
    engine: bot.engine,
    conversations: store,
    logger: logs.logger,
    channels,
  });
  // The server main starts (its timeouts, and whatever it does about malformed requests), so that what Node's
  // HTTP layer answers before Express is fuzzed too. It listens on every interface, as main's does; every
  // request the fuzzer sends goes to 127.0.0.1.
  const server = await listen(app, 0);
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  // A connection per request: a keep-alive socket the server has just closed would fail the next case for nothing.
  const agent = new http.Agent({ keepAlive: false });

  return {
    url,
    fakeUrl,
    fakeCalls,
    logs,
    send: (c, timeoutMs = 20_000) => send(agent, port, c, timeoutMs),
    async close() {
      agent.destroy();
      server.closeAllConnections();
      fake.closeAllConnections();
      await Promise.all([closeServer(server), closeServer(fake)]);
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function listenLoopback(server: http.Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Sends `c` exactly as generated (Node adds Host and, unless chunked, Content-Length). */
function send(agent: http.Agent, port: number, c: FuzzCase, timeoutMs: number): Promise<FuzzResponse> {
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const done = (response: FuzzResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(response);
    };
    let request: http.ClientRequest;
    try {
      request = http.request({ host: '127.0.0.1', port, method: c.method, path: c.path, headers: c.headers, agent });
    } catch (error) {
      done({ status: 0, headers: {}, body: Buffer.alloc(0), error: `not sendable: ${(error as Error).message}` });
      return;
    }
    timer = setTimeout(() => {
      request.destroy();
      done({ status: 0, headers: {}, body: Buffer.alloc(0), error: `no response within ${timeoutMs} ms` });
    }, timeoutMs);
    request.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', (error) =>
        done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), error: error.message }),
      );
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      done({ status: 0, headers: {}, body: Buffer.alloc(0), error: `${error.code ?? ''} ${error.message}`.trim() });
    });
    if (c.chunked && c.body.length > 0) {
      const half = c.body.length >> 1;
      request.write(c.body.subarray(0, half));
      request.write(c.body.subarray(half));
      request.end();
    } else {
      request.end(c.body);
    }
  });
}
