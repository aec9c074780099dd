import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { ClaimsIdentity } from 'botframework-connector';
import express, { type Express } from 'express';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BOT_FRAMEWORK_BODY_LIMIT } from '../../../src/channels/bot-framework/activity.js';
import {
  AUTH_TIMEOUT_MS,
  type BotFrameworkAuthOptions,
  createBotFrameworkAuthentication,
  MAX_CONNECTORS,
  REPLY_TIMEOUT_MS,
} from '../../../src/channels/bot-framework/auth.js';
import { botFrameworkChannel } from '../../../src/channels/bot-framework/index.js';
import type { BotFrameworkSettings } from '../../../src/channels/bot-framework/settings.js';
import { APOLOGY } from '../../../src/conversation/turns.js';
import { fixture } from '../../support/article.js';
import {
  brokenStore,
  expectJsonError,
  LogCapture,
  readStateFile,
  useChannelEnv,
  useRealServer,
} from '../../support/channels.js';
import { closedPort, FakeApi } from '../../support/fake-api.js';

/** A TCP server on 127.0.0.1 that accepts connections and never answers. */
async function silentServer(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let count = 0;
  const server = net.createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => count,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** A JWT signed RS256 with `key`, as Bot Framework signs channel tokens. */
function jwt(key: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
  const payload = base64url(JSON.stringify(claims));
  return `${header}.${payload}.${base64url(sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), key))}`;
}

/** Bot Framework's OpenID metadata and signing keys (JWKS) for `publicKey`, served on 127.0.0.1. */
async function openIdProvider(publicKey: KeyObject, kid: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const { port } = server.address() as net.AddressInfo;
    res.writeHead(200, { 'content-type': 'application/json' });
    if (req.url === '/metadata') {
      res.end(JSON.stringify({ issuer: 'https://api.botframework.com', jwks_uri: `http://127.0.0.1:${port}/keys` }));
    } else {
      res.end(JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, use: 'sig' }] }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/metadata`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

type Activity = Record<string, any>;

/** An Emulator activity from the fixtures, pointed at `serviceUrl`, in conversation `conversation`. */
function emulator(
  name: 'message' | 'conversation-update',
  serviceUrl: string,
  conversation: string,
  extra: Activity = {},
): Activity {
  const activity = fixture<Activity>(`bot-framework/emulator-${name}.json`);
  return { ...activity, serviceUrl, conversation: { id: conversation }, ...extra };
}

const EMULATOR: BotFrameworkSettings = { appType: 'MultiTenant', appId: '', appPassword: '', tenantId: '' };
const APP_ID = '8a5e3e1c-2f4b-4a53-9a1e-5c0d4e7b1f21';
const WITH_AUTH: BotFrameworkSettings = {
  appType: 'MultiTenant',
  appId: APP_ID,
  appPassword: 'not-a-real-password',
  tenantId: '',
};

const env = useChannelEnv('bot-framework-test-');
/** A Bot Framework connector, as the Emulator runs one: records replies and answers each with an id. */
let connector: FakeApi;
/** The whole app, as main builds it (Emulator settings, state in the lowdb store). */
let app: Express;

beforeAll(async () => {
  connector = await FakeApi.start(() => ({ status: 200, body: { id: `reply-${connector.calls.length}` } }));
  app = env.app();
});

afterAll(() => connector?.close());

afterEach(() => {
  connector.calls.length = 0;
  env.logs.clear();
});

/** Only the Bot Framework route, with its own settings and bounds, and a /ping that shows the server answers. */
function channelServer(settings: BotFrameworkSettings, auth: BotFrameworkAuthOptions) {
  const channelApp = express();
  channelApp.get('/ping', (_req, res) => {
    res.json({ pong: true });
  });
  channelApp.use(botFrameworkChannel.routes(env.channelDeps({ conversations: env.store }), { ...settings, auth }));
  const server = http.createServer(channelApp);
  return new Promise<{ url: string; close: () => Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => {
          server.closeAllConnections();
          return new Promise((done) => server.close(() => done()));
        },
      });
    });
  });
}

async function postActivity(url: string, activity: unknown, headers: Record<string, string> = {}) {
  const started = performance.now();
  const res = await fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(activity),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, ms: performance.now() - started };
}

const post = (body: unknown, contentType = 'application/json') =>
  request(app)
    .post('/api/messages')
    .set('Content-Type', contentType)
    .send(typeof body === 'string' ? body : JSON.stringify(body));

describe('POST /api/messages without MicrosoftAppId: no open relay', () => {
  // 0.0.0.0 reaches this machine's connector, but is no loopback name: an outside address, as far as the check goes.
  const outside = () => connector.url.replace('127.0.0.1', '0.0.0.0');

  it('refuses an activity whose serviceUrl is not on this machine with 403, sending nothing anywhere', async () => {
    const res = await post(emulator('message', outside(), 'relay'));
    expectJsonError(res, 403, 'service_url_not_allowed');
    expect(res.body.error.message).toContain('BOT_FRAMEWORK_SERVICE_URLS');
    expect(connector.calls).toHaveLength(0);
  });

  it('answers the Emulator on localhost and 127.0.0.1', async () => {
    for (const serviceUrl of [connector.url, connector.url.replace('127.0.0.1', 'localhost')]) {
      connector.calls.length = 0;
      const res = await post(emulator('message', serviceUrl, `loopback-${new URL(serviceUrl).hostname}`));
      expect(res.status).toBe(200);
      expect(connector.calls.length).toBeGreaterThan(0);
    }
  });

  it('answers a serviceUrl that BOT_FRAMEWORK_SERVICE_URLS lists', async () => {
    const listed = env.app({ botFramework: { ...EMULATOR, allowedServiceUrls: [new URL(outside()).origin] } });
    const res = await request(listed)
      .post('/api/messages')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(emulator('message', outside(), 'listed')));
    expect(res.status).toBe(200);
    expect(connector.calls.length).toBeGreaterThan(0);
  });
});

describe('POST /api/messages refuses bad activities with a JSON error before the SDK sees them', () => {
  const valid = () => emulator('message', connector.url, 'bad-input');

  const cases: [string, string, () => unknown][] = [
    ['unparsable JSON', 'invalid_json', () => '{"type": "message",'],
    ['a JSON array', 'invalid_activity', () => [valid()]],
    ['an activity without type', 'invalid_activity', () => ({ ...valid(), type: undefined })],
    ['an empty type', 'invalid_activity', () => ({ ...valid(), type: '' })],
    ['a message without conversation', 'invalid_activity', () => ({ ...valid(), conversation: undefined })],
    ['a conversation without id', 'invalid_activity', () => ({ ...valid(), conversation: { name: 'x' } })],
    ['a text that is a number', 'invalid_text', () => ({ ...valid(), text: 42 })],
    ['a text that is an object', 'invalid_text', () => ({ ...valid(), text: { value: 'hi' } })],
    ['a text over 2,000 characters', 'invalid_text', () => ({ ...valid(), text: 'why '.repeat(600) })],
    ['no serviceUrl', 'invalid_activity', () => ({ ...valid(), serviceUrl: undefined })],
    ['a serviceUrl that is not http(s)', 'invalid_activity', () => ({ ...valid(), serviceUrl: 'file:///etc/passwd' })],
    ['no channelId', 'invalid_activity', () => ({ ...valid(), channelId: undefined })],
    ['a message without from', 'invalid_activity', () => ({ ...valid(), from: undefined })],
    ['a recipient without id', 'invalid_activity', () => ({ ...valid(), recipient: { name: 'Bot' } })],
    [
      'membersAdded that is not an array',
      'invalid_activity',
      () => ({ ...valid(), type: 'conversationUpdate', membersAdded: { id: 'u' } }),
    ],
  ];

  it.each(cases)('%s: 400 %s', async (_name, code, body) => {
    const status = 400;
    const res = await post(body());
    expectJsonError(res, status, code);
    expect(res.text).not.toMatch(/<html|at \w+ \(/i);
    expect(connector.calls).toEqual([]);
  });

  it('names the missing field', async () => {
    expect((await post({ ...valid(), type: undefined })).body.error.message).toContain('"type"');
    expect((await post({ ...valid(), conversation: undefined })).body.error.message).toContain('"conversation"');
  });

  it(`answers 413 for a body over ${BOT_FRAMEWORK_BODY_LIMIT / 1024} KiB`, async () => {
    const res = await post({ ...valid(), channelData: { padding: 'x'.repeat(BOT_FRAMEWORK_BODY_LIMIT) } });
    expectJsonError(res, 413, 'payload_too_large');
  });

  it('answers 415 for a body that is not JSON, and 405 for other methods', async () => {
    expectJsonError(await post('type=message', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
    expectJsonError(await post(JSON.stringify(valid()), 'text/plain'), 415, 'unsupported_media_type');
    const get = await request(app).get('/api/messages');
    expectJsonError(get, 405, 'method_not_allowed');
    expect(get.headers.allow).toBe('POST');
    expect(connector.calls).toEqual([]);
  });
});

describe('POST /api/messages with the Emulator (no app id)', () => {
  it('greets on conversationUpdate and answers a message at serviceUrl, replying to the activity', async () => {
    const update = emulator('conversation-update', connector.url, 'emulator-1');
    expect((await post(update)).status).toBe(200);
    const message = emulator('message', connector.url, 'emulator-1');
    expect((await post(message)).status).toBe(200);

    expect(connector.calls.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /v3/conversations/emulator-1/activities/${update.id}`,
      `POST /v3/conversations/emulator-1/activities/${message.id}`,
    ]);
    const [greeting, answer] = connector.calls.map((r) => r.body);
    expect(greeting).toMatchObject({
      type: 'message',
      replyToId: update.id,
      recipient: { id: update.from.id },
      from: { id: update.recipient.id },
    });
    expect(greeting!.text).toContain('Hello!');
    expect(answer).toMatchObject({
      type: 'message',
      textFormat: 'markdown',
      replyToId: message.id,
      conversation: { id: 'emulator-1' },
    });
    expect(answer!.text).toContain('300 million');
    expect(answer!.suggestedActions.actions.length).toBeGreaterThan(0);
    // No app id, no token: the Emulator gets no Authorization header.
    expect(connector.calls.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('returns the replies in the response body with deliveryMode "expectReplies", posting nothing', async () => {
    const activity = emulator('message', connector.url, 'expect-replies', {
      text: 'Who is Derek Shen?',
      deliveryMode: 'expectReplies',
    });
    const res = await post(activity);
    expect(res.status).toBe(200);
    expect(res.body.activities).toHaveLength(1);
    expect(res.body.activities[0]).toMatchObject({ type: 'message', textFormat: 'markdown' });
    expect(res.body.activities[0].text).toContain('president of LinkedIn China');
    expect(connector.calls).toEqual([]);
  });

  it('answers an activity delivered again (same id) with the first response, without a second turn or reply', async () => {
    const activity = emulator('message', connector.url, 'redelivered', {
      id: `redelivered-${process.pid}`,
      text: 'Who is Derek Shen?',
      deliveryMode: 'expectReplies',
    });
    const first = await post(activity);
    const again = await post(activity);
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(env.counting.turns.get('bot-framework:emulator:redelivered')).toBe(1);
    // Another activity of the conversation is a new turn.
    await post({ ...activity, id: `next-${process.pid}`, text: 'And WeChat?' });
    expect(env.counting.turns.get('bot-framework:emulator:redelivered')).toBe(2);
  });

  it('accepts typing, reactions, events and other activities quietly, sending nothing', async () => {
    for (const extra of [
      { type: 'typing' },
      { type: 'messageReaction', reactionsAdded: [{ type: 'like' }] },
      { type: 'event', name: 'webchat/join', value: {} },
      { type: 'endOfConversation' },
      { type: 'installationUpdate', action: 'add' },
      {
        type: 'message',
        text: undefined,
        attachments: [{ contentType: 'image/png', contentUrl: 'http://127.0.0.1/x.png' }],
      },
    ]) {
      const res = await post(emulator('message', connector.url, 'quiet', extra));
      expect(res.status, extra.type).toBe(200);
    }
    expect(connector.calls).toEqual([]);
  });

  it('refuses an invoke with a JSON 400 (the bot handles none; the SDK would answer a bare 501), sending nothing', async () => {
    const res = await post(
      emulator('message', connector.url, 'invoke', { type: 'invoke', name: 'composeExtension/query' }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('unsupported_invoke');
    expect(connector.calls).toEqual([]);
  });

  it('apologises in the conversation and answers a JSON 500 when a turn fails for another reason than delivery', async () => {
    const logs = new LogCapture();
    const broken = env.app(
      {},
      { conversations: brokenStore('EACCES: permission denied, open var/conversations.json'), logger: logs.logger },
    );
    const res = await request(broken)
      .post('/api/messages')
      .send(emulator('message', connector.url, 'broken-store'));
    expectJsonError(res, 500, 'internal_error');
    expect(res.text).not.toContain('EACCES');
    expect(connector.calls.map((r) => r.body.text)).toEqual([APOLOGY]);
    expect(logs.entries('unhandled error')[0]?.error).toContain('EACCES');
  });

  it('keeps its state in the same store as the webhook', async () => {
    await post(emulator('message', connector.url, 'shared-store', { text: 'How many users does WeChat have?' }));
    await request(app).post('/api/webhook').send({ text: 'Who is He Miao?', conversationId: 'shared-store' });
    const file = readStateFile(env.stateFile);
    expect(file.conversations['bot-framework:emulator:shared-store']?.state).toMatchObject({
      lastIntent: 'wechat.users',
      turns: 1,
    });
    expect(file.conversations['webhook:shared-store']?.state).toMatchObject({ turns: 1 });
  });
});

describe('POST /api/messages when serviceUrl does not answer', () => {
  const REPLY_TIMEOUT = 500;
  let server: Awaited<ReturnType<typeof channelServer>>;

  beforeAll(async () => {
    server = await channelServer(EMULATOR, { replyTimeoutMs: REPLY_TIMEOUT });
  });
  afterAll(() => server?.close());

  it('answers 502 within the reply timeout when serviceUrl refuses connections, logs why, and keeps answering', async () => {
    const port = await closedPort();
    const pending = postActivity(server.url, emulator('message', `http://127.0.0.1:${port}`, 'unreachable'));
    // Answered while the reply is still being attempted.
    const ping = await fetch(`${server.url}/ping`);
    expect(ping.status).toBe(200);
    const res = await pending;
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('reply_not_delivered');
    expect(res.ms).toBeLessThan(REPLY_TIMEOUT + 1500);
    const line = env.logs.entries('bot framework reply not delivered')[0];
    expect(line).toMatchObject({
      level: 'error',
      serviceUrl: `http://127.0.0.1:${port}`,
      conversationId: 'unreachable',
    });
    expect(String(line!.reason)).toMatch(/ECONNREFUSED|reply timeout/);
    // The next conversation is answered normally.
    const ok = await postActivity(server.url, emulator('message', connector.url, 'after-unreachable'));
    expect(ok.status).toBe(200);
    expect(connector.calls).toHaveLength(1);
  });

  it('answers 502 within the reply timeout when serviceUrl accepts the connection and never answers', async () => {
    const silent = await silentServer();
    try {
      const res = await postActivity(server.url, emulator('message', silent.url, 'silent'));
      expect(res.status).toBe(502);
      expect(res.ms).toBeLessThan(REPLY_TIMEOUT + 1500);
      expect(silent.connections()).toBeGreaterThan(0);
      expect(env.logs.entries('bot framework reply not delivered')[0]?.reason).toBe(
        'no answer within the reply timeout',
      );
    } finally {
      await silent.close();
    }
  });

  it('bounds token checks and replies below 10 s by default', () => {
    expect(AUTH_TIMEOUT_MS).toBeLessThan(10_000);
    expect(REPLY_TIMEOUT_MS).toBeLessThan(10_000);
  });
});

describe('connector clients', () => {
  // What a turn's authentication makes for the Emulator (no app id) and for a bot's own app id.
  const auth = createBotFrameworkAuthentication(EMULATOR);
  const emulatorTurn = () => auth.createConnectorFactory(new ClaimsIdentity([], true));
  const botTurn = () => auth.createConnectorFactory(new ClaimsIdentity([{ type: 'aud', value: APP_ID }], true));

  it('are made once per service URL and app id, and shared by the turns after', async () => {
    const first = await emulatorTurn().create('http://127.0.0.1:1/');
    expect(await emulatorTurn().create('http://127.0.0.1:1/')).toBe(first);
    expect(await emulatorTurn().create('http://127.0.0.1:2/')).not.toBe(first);
    expect(await emulatorTurn().create('http://127.0.0.1:1/', 'another-audience')).not.toBe(first);
    expect(await botTurn().create('http://127.0.0.1:1/')).not.toBe(first);
  });

  it('and user token clients are made once per app id', async () => {
    const identity = (appId: string) => new ClaimsIdentity([{ type: 'aud', value: appId }], true);
    const first = await auth.createUserTokenClient(identity(APP_ID));
    expect(await auth.createUserTokenClient(identity(APP_ID))).toBe(first);
    expect(await auth.createUserTokenClient(identity('another-bot'))).not.toBe(first);
  });

  it(`keeps the ${MAX_CONNECTORS} most recently used`, async () => {
    const kept = await emulatorTurn().create('http://127.0.0.1:3/');
    const dropped = await emulatorTurn().create('http://127.0.0.1:4/');
    for (let i = 0; i < MAX_CONNECTORS - 1; i++) {
      await emulatorTurn().create('http://127.0.0.1:3/');
      await emulatorTurn().create(`http://127.0.0.1:${1000 + i}/`);
    }
    expect(await emulatorTurn().create('http://127.0.0.1:3/')).toBe(kept);
    expect(await emulatorTurn().create('http://127.0.0.1:4/')).not.toBe(dropped);
  });
});

describe('POST /api/messages with an app id (authentication on)', () => {
  const KID = 'bf-signing-key';
  const botFramework = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const forger = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let provider: Awaited<ReturnType<typeof openIdProvider>>;
  let server: Awaited<ReturnType<typeof channelServer>>;

  const claims = (serviceUrl: string) => ({
    iss: 'https://api.botframework.com',
    aud: APP_ID,
    // Bot Framework spells this claim in lower case.
    serviceurl: serviceUrl,
    nbf: Math.floor(Date.now() / 1000) - 60,
    exp: Math.floor(Date.now() / 1000) + 3600,
  });

  beforeAll(async () => {
    provider = await openIdProvider(botFramework.publicKey, KID);
    server = await channelServer(WITH_AUTH, { channelOpenIdMetadataUrl: provider.url });
  });
  afterAll(async () => {
    await server?.close();
    await provider?.close();
  });

  it('refuses a request without a token with 401, before the bot sees it', async () => {
    for (const type of ['message', 'typing', 'conversationUpdate']) {
      const activity = emulator(
        type === 'conversationUpdate' ? 'conversation-update' : 'message',
        connector.url,
        'no-token',
        { type },
      );
      const res = await postActivity(server.url, activity);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
    expect(connector.calls).toEqual([]);
  });

  it('refuses a token signed with another key than Bot Framework’s published one, and never logs it', async () => {
    const forged = jwt(forger.privateKey, KID, claims(connector.url));
    // The SDK prints the key it tried to stderr by itself; keep test output clean.
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const res = await postActivity(server.url, emulator('message', connector.url, 'forged'), {
        Authorization: `Bearer ${forged}`,
      });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    } finally {
      consoleError.mockRestore();
    }
    expect(connector.calls).toEqual([]);
    expect(env.logs.entries('bot framework request refused')[0]).toMatchObject({ status: 401 });
    expect(env.logs.text()).not.toContain(forged.split('.')[2]);
  });

  it('refuses a correctly signed token issued for another bot', async () => {
    const other = jwt(botFramework.privateKey, KID, { ...claims(connector.url), aud: 'someone-else' });
    const res = await postActivity(server.url, emulator('message', connector.url, 'other-bot'), {
      Authorization: `Bearer ${other}`,
    });
    expect(res.status).toBe(401);
    expect(connector.calls).toEqual([]);
  });

  it('accepts a token signed with Bot Framework’s key for this bot and answers (expectReplies, so no connector token is needed)', async () => {
    const token = jwt(botFramework.privateKey, KID, claims(connector.url));
    const res = await postActivity(
      server.url,
      emulator('message', connector.url, 'signed', {
        deliveryMode: 'expectReplies',
        text: 'How many users does WeChat have?',
      }),
      { Authorization: `Bearer ${token}` },
    );
    expect(res.status).toBe(200);
    expect(res.body.activities[0].text).toContain('500 million');
  });
});

describe('POST /api/messages when Bot Framework’s OpenID metadata never arrives', () => {
  const AUTH_TIMEOUT = 700;

  it('fails the request within the bound with 503, sends nothing, and answers other requests meanwhile', async () => {
    const metadata = await silentServer();
    const server = await channelServer(WITH_AUTH, {
      channelOpenIdMetadataUrl: `${metadata.url}/metadata`,
      authTimeoutMs: AUTH_TIMEOUT,
    });
    try {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const token = jwt(privateKey, 'any', {
        iss: 'https://api.botframework.com',
        aud: APP_ID,
        serviceurl: connector.url,
        exp: Math.floor(Date.now() / 1000) + 3600,
      });
      let answered = false;
      const activity = emulator('message', connector.url, 'metadata-hang');
      const pending = postActivity(server.url, activity, { Authorization: `Bearer ${token}` }).then((res) => {
        answered = true;
        return res;
      });
      await vi.waitFor(() => expect(metadata.connections()).toBeGreaterThan(0));
      const ping = await fetch(`${server.url}/ping`);
      expect(ping.status).toBe(200);
      expect(answered).toBe(false);

      const res = await pending;
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('auth_unavailable');
      expect(res.ms).toBeLessThan(AUTH_TIMEOUT + 1500);
      expect(connector.calls).toEqual([]);
    } finally {
      await server.close();
      await metadata.close();
    }
  });
});

describe('the Bot Framework route in the server as `npm start` runs it', () => {
  const unsecured = useRealServer('bot-framework-server-', () => ({ MicrosoftAppId: '', MicrosoftAppPassword: '' }));
  const secured = useRealServer('bot-framework-secured-', () => ({
    MicrosoftAppId: APP_ID,
    MicrosoftAppPassword: 'not-a-real-password',
  }));

  it('talks with the Emulator: greeting, an answer with suggested actions, and working follow-ups', async () => {
    const conversation = 'emulator-session|livechat';
    const update = emulator('conversation-update', connector.url, conversation);
    expect((await postActivity(unsecured.server.url, update)).status).toBe(200);
    const script: [string, string][] = [
      ['How many members does LinkedIn have?', '300 million'],
      ['Who is He Miao?', 'Tianji'],
      ['Which company does she work for?', 'Tianji'],
      ['How many users does WeChat have?', '500 million'],
      ['And LinkedIn?', '300 million'],
    ];
    for (const [i, [text]] of script.entries()) {
      const res = await postActivity(
        unsecured.server.url,
        emulator('message', connector.url, conversation, { id: `m-${i}`, text }),
      );
      expect(res.status, text).toBe(200);
    }
    const [greeting, ...answers] = connector.calls;
    expect(greeting!.path).toBe(`/v3/conversations/${conversation}/activities/${update.id}`);
    expect(greeting!.body.text).toContain('Hello!');
    expect(greeting!.body.suggestedActions.actions.map((a: { type: string }) => a.type)).toEqual([
      'imBack',
      'imBack',
      'imBack',
    ]);
    expect(answers).toHaveLength(script.length);
    answers.forEach((answer, i) => {
      expect(answer.path).toBe(`/v3/conversations/${conversation}/activities/m-${i}`);
      expect(answer.body.text, script[i]![0]).toContain(script[i]![1]);
    });
    expect(answers[0]!.body.suggestedActions.actions[0]).toMatchObject({ type: 'imBack' });

    const file = readStateFile(unsecured.stateFile);
    expect(file.conversations[`bot-framework:emulator:${conversation}`]?.state.turns).toBe(script.length);
  });

  it('answers with expectReplies in the response body', async () => {
    const res = await postActivity(
      unsecured.server.url,
      emulator('message', connector.url, 'server-expect', { deliveryMode: 'expectReplies' }),
    );
    expect(res.status).toBe(200);
    expect(res.body.activities[0].text).toContain('300 million');
    expect(connector.calls).toEqual([]);
  });

  it('answers a bad activity with a JSON 400, not an HTML stack trace', async () => {
    const res = await postActivity(unsecured.server.url, {
      ...emulator('message', connector.url, 'bad'),
      type: undefined,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_activity');
  });

  it('with MicrosoftAppId set, refuses requests without a token or with a forged one, sending nothing', async () => {
    const noToken = await postActivity(secured.server.url, emulator('message', connector.url, 'secured'));
    expect(noToken.status).toBe(401);
    // Signed by someone, claiming this bot, from an issuer Bot Framework does not use: refused without a key download.
    const forged = jwt(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, 'k', {
      iss: 'https://api.botframework.com.attacker.example',
      aud: APP_ID,
      serviceurl: connector.url,
      exp: Math.floor(Date.now() / 1000) + 3600,
    });
    const withForged = await postActivity(secured.server.url, emulator('message', connector.url, 'secured'), {
      Authorization: `Bearer ${forged}`,
    });
    expect(withForged.status).toBe(401);
    expect(withForged.body.error.code).toBe('unauthorized');
    expect(connector.calls).toEqual([]);
    expect(secured.server.logs()).toContain('bot framework request refused');
    expect(secured.server.logs()).not.toContain(forged.split('.')[2]);
    expect(fs.existsSync(secured.stateFile)).toBe(false);
  });
});
