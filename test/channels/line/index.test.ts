import { createHmac } from 'node:crypto';
import express, { type Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINE_BODY_LIMIT, lineChannel } from '../../../src/channels/line/index.js';
import { LINE_QUICK_REPLY_LIMITS, LINE_TEXT_LIMIT, toLineMessage } from '../../../src/channels/line/reply.js';
import type { LineSettings } from '../../../src/channels/line/settings.js';
import { signLineBody, verifyLineSignature } from '../../../src/channels/line/signature.js';
import { APOLOGY, MAX_QUESTION_LENGTH } from '../../../src/conversation/turns.js';
import { fixture } from '../../support/article.js';
import {
  brokenStore,
  expectJsonError,
  LogCapture,
  makeReply,
  readStateFile,
  useChannelEnv,
  useRealServer,
} from '../../support/channels.js';
import { closedPort, type FakeAnswer, FakeApi } from '../../support/fake-api.js';

const CHANNEL_SECRET = 'line-test-channel-secret-4c1d9e';
const ACCESS_TOKEN = 'line-test-access-token-DO-NOT-LOG-7f3a9b';

interface LineReplyCall {
  replyToken: string;
  messages: { type: string; text: string; quickReply?: { items: QuickItem[] } }[];
}
interface QuickItem {
  type: string;
  action: { type: string; label: string; text: string };
}

/**
 * How the fake Messaging API answers: the reply token picks it. "fail-500..." answers 500 with a LINE error
 * body, "fail-400..." a 400 with details, "hang..." never answers, any other token 200 `{}`.
 */
function lineApi({ body }: { body: LineReplyCall }): FakeAnswer {
  const token = body.replyToken;
  if (token.startsWith('hang')) return 'hang';
  if (token.startsWith('fail-500')) return { status: 500, body: { message: 'An error occurred in the API server' } };
  if (token.startsWith('fail-400')) {
    return {
      status: 400,
      body: {
        message: 'The request body has 1 error(s)',
        details: [
          { message: 'Length must be between 0 and 20', property: 'messages[0].quickReply.items[0].action.label' },
        ],
      },
    };
  }
  return { status: 200, body: {} };
}

interface LineEvent {
  type: string;
  replyToken: string;
  webhookEventId: string;
  source: Record<string, string>;
  message: { type: string; id: string; text: string };
  mode?: string;
  deliveryContext: { isRedelivery: boolean };
}
interface Webhook {
  destination: string;
  events: LineEvent[];
}

let counter = 0;
/** The text-message fixture with fresh ids: its own reply token, event id and (unless given) user. */
function textWebhook(
  text: string,
  options: { userId?: string; replyToken?: string } = {},
): Webhook & { replyToken: string } {
  const webhook = structuredClone(fixture<Webhook>('line/text-message.json'));
  const event = webhook.events[0]!;
  counter += 1;
  event.message.text = text;
  event.message.id = String(600_000_000_000_000_000n + BigInt(counter));
  event.webhookEventId = `01HZTEST${String(counter).padStart(18, '0')}`;
  event.replyToken = options.replyToken ?? `token-${counter}-${'0'.repeat(20)}`;
  event.source = { type: 'user', userId: options.userId ?? `Utest${String(counter).padStart(28, '0')}` };
  return Object.assign(webhook, { replyToken: event.replyToken });
}

const env = useChannelEnv('line-test-');
let fake: FakeApi<LineReplyCall>;
let app: Express;
let settings: LineSettings;

beforeAll(async () => {
  fake = await FakeApi.start(lineApi);
  settings = { secret: CHANNEL_SECRET, api: { url: fake.url, token: ACCESS_TOKEN } };
  app = env.app({ line: settings });
});

afterAll(() => fake?.close());

/** Resolves with the reply call carrying `replyToken` once `api` got it. */
const replyFor = (replyToken: string, api = fake, timeoutMs?: number) =>
  api.waitForCall((c) => c.body.replyToken === replyToken, timeoutMs);
const repliesTo = (replyToken: string, api = fake) => api.calls.filter((c) => c.body.replyToken === replyToken);

/** Posts `body` exactly as given, signed with the channel secret unless a signature is given (null: none). */
function post(body: unknown, signature?: string | null, target: Express = app) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const req = request(target).post('/api/line').set('Content-Type', 'application/json; charset=utf-8');
  const sig = signature === undefined ? signLineBody(raw, CHANNEL_SECRET) : signature;
  if (sig !== null) req.set('x-line-signature', sig);
  return req.send(raw);
}

describe('LINE signature', () => {
  it('matches the published vector', () => {
    expect(signLineBody('bodybodybodybody', 'channel_secret')).toBe('/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=');
    expect(signLineBody(Buffer.from('bodybodybodybody'), 'channel_secret')).toBe(
      '/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=',
    );
  });

  it('verifies the raw bytes, nothing else', () => {
    const body = Buffer.from('bodybodybodybody');
    expect(verifyLineSignature(body, '/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=', 'channel_secret')).toBe(true);
    expect(verifyLineSignature(body, '/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7K=', 'channel_secret')).toBe(false);
    expect(verifyLineSignature(body, '/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=', 'other_secret')).toBe(false);
    expect(
      verifyLineSignature(
        Buffer.from('bodybodybodybodY'),
        '/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=',
        'channel_secret',
      ),
    ).toBe(false);
    expect(verifyLineSignature(body, undefined, 'channel_secret')).toBe(false);
    expect(verifyLineSignature(body, '', 'channel_secret')).toBe(false);
  });
});

describe('POST /api/line: answers', () => {
  it('answers the fixture text message through the reply API, with the token, reply token and quick replies', async () => {
    const webhook = fixture<Webhook>('line/text-message.json');
    const event = webhook.events[0]!;
    const expected = env.bot.engine.respond(event.message.text).reply;
    const res = await post(webhook);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});

    const call = await replyFor(event.replyToken);
    expect(call.method).toBe('POST');
    expect(call.path).toBe('/v2/bot/message/reply');
    expect(call.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(call.headers['content-type']).toMatch(/^application\/json/);
    expect(call.body.replyToken).toBe(event.replyToken);
    expect(call.body.messages).toHaveLength(1);
    const message = call.body.messages[0]!;
    expect(message.type).toBe('text');
    expect(message.text).toContain('300 million');
    expect(message.text).toBe(expected.text);
    expect(expected.suggestions.length).toBeGreaterThan(0);
    expect(message.quickReply?.items).toHaveLength(expected.suggestions.length);
    message.quickReply!.items.forEach((item, i) => {
      expect(item.type).toBe('action');
      expect(item.action.type).toBe('message');
      expect(item.action.text).toBe(expected.suggestions[i]);
      expect(item.action.label.length).toBeLessThanOrEqual(20);
      expect(expected.suggestions[i]!.startsWith(item.action.label.replace(/…$/, ''))).toBe(true);
    });
  });

  it("answers LINE's verify request (no events) with 200 and sends nothing", async () => {
    const before = fake.calls.length;
    const res = await post(fixture('line/verify.json'));
    expect(res.status).toBe(200);
    const marker = textWebhook('hello');
    await post(marker);
    await replyFor(marker.replyToken);
    expect(fake.calls.length).toBe(before + 1);
  });

  it('welcomes a follow event by reply', async () => {
    const webhook = fixture<Webhook>('line/follow.json');
    expect((await post(webhook)).status).toBe(200);
    const call = await replyFor(webhook.events[0]!.replyToken);
    expect(call.body.messages[0]!.text).toBe(env.bot.engine.welcome().text);
    expect(call.body.messages[0]!.quickReply?.items.map((i) => i.action.text)).toEqual(
      env.bot.engine.welcome().suggestions,
    );
  });

  it('answers a question in Chinese in Chinese, and "那天际网呢？" after it', async () => {
    const userId = `Uchinese${'0'.repeat(24)}`;
    const first = textWebhook('微信用户有多少', { userId });
    await post(first);
    expect((await replyFor(first.replyToken)).body.messages[0]!.text).toBe('微信在中国拥有超过5亿用户（第4段）。');
    const second = textWebhook('那天际网呢？', { userId });
    await post(second);
    const message = (await replyFor(second.replyToken)).body.messages[0]!;
    expect(message.text).toContain('天际网拥有超过1800万用户（第13段）');
    expect(message.quickReply?.items.every((item) => /\p{Script=Han}/u.test(item.action.text))).toBe(true);
  });

  it('answers a follow-up from the same user in context, and not for another user', async () => {
    const userId = `Ufollowup${'0'.repeat(23)}`;
    const first = textWebhook('How many users does WeChat have?', { userId });
    await post(first);
    expect((await replyFor(first.replyToken)).body.messages[0]!.text).toContain('500 million');
    const second = textWebhook('And LinkedIn?', { userId });
    await post(second);
    const text = (await replyFor(second.replyToken)).body.messages[0]!.text;
    expect(text).toContain('LinkedIn');
    expect(text).toMatch(/5 million|300 million/);

    const stranger = textWebhook('And LinkedIn?');
    await post(stranger);
    expect((await replyFor(stranger.replyToken)).body.messages[0]!.text).not.toMatch(/5 million|300 million/);
  });

  it("keeps a group's conversation apart from its members' own chats", async () => {
    const group = fixture<Webhook>('line/group-text-message.json');
    await post(group);
    expect((await replyFor(group.events[0]!.replyToken)).body.messages[0]!.text).toContain('500 million');
    const inGroup = structuredClone(group);
    inGroup.events[0]!.message.text = 'And LinkedIn?';
    inGroup.events[0]!.replyToken = 'group-followup-token-000000000000';
    inGroup.events[0]!.webhookEventId = '01HZ9V9C2M5W8E1R4T7Y0UFOLLOW';
    await post(inGroup);
    expect((await replyFor('group-followup-token-000000000000')).body.messages[0]!.text).toMatch(
      /5 million|300 million/,
    );
    const stored = readStateFile(env.stateFile);
    expect(stored.conversations[`line:group:${group.events[0]!.source.groupId}`].state.turns).toBe(2);
  });

  it('asks for a shorter question when one is too long, leaving the conversation as it was', async () => {
    const userId = `Utoolong${'0'.repeat(24)}`;
    const first = textWebhook('How many users does WeChat have?', { userId });
    await post(first);
    expect((await replyFor(first.replyToken)).body.messages[0]!.text).toContain('500 million');
    const before = env.counting.total;
    const long = textWebhook('LinkedIn? '.repeat(201), { userId });
    await post(long);
    const message = (await replyFor(long.replyToken)).body.messages[0]!;
    expect(message.text).toContain(`too long for me (more than ${MAX_QUESTION_LENGTH} characters)`);
    expect(message.quickReply?.items.map((i) => i.action.text)).toEqual(env.bot.engine.welcome().suggestions);
    expect(env.counting.total).toBe(before);
    // Not a turn: "And LinkedIn?" still follows the WeChat question.
    const followUp = textWebhook('And LinkedIn?', { userId });
    await post(followUp);
    expect((await replyFor(followUp.replyToken)).body.messages[0]!.text).toContain('300 million');
  });

  it('answers two events of one conversation in one webhook in order', async () => {
    const userId = `Uinorder${'0'.repeat(24)}`;
    const a = textWebhook('How many users does WeChat have?', { userId });
    const b = textWebhook('And LinkedIn?', { userId });
    await post({ destination: a.destination, events: [a.events[0], b.events[0]] });
    const second = await replyFor(b.replyToken);
    expect(second.body.messages[0]!.text).toMatch(/5 million|300 million/);
  });

  it('ignores stickers, images, postbacks, unfollows and standby-mode events', async () => {
    const webhook = fixture<Webhook>('line/ignored-events.json');
    const before = { calls: env.counting.total, sent: fake.calls.length };
    expect((await post(webhook)).status).toBe(200);
    // Standby mode with a reply token is not what LINE sends, but a reply from standby must never go out.
    const standby = textWebhook('How many members does LinkedIn have?');
    standby.events[0]!.mode = 'standby';
    expect((await post(standby)).status).toBe(200);

    const marker = textWebhook('hello');
    await post(marker);
    await replyFor(marker.replyToken);
    expect(fake.calls.length).toBe(before.sent + 1);
    expect(env.counting.total).toBe(before.calls + 1);
  });
});

describe('POST /api/line: redeliveries', () => {
  it('answers a redelivered webhookEventId once and advances the conversation once', async () => {
    const webhook = textWebhook('Who is Derek Shen?');
    const before = env.counting.total;
    await post(webhook);
    await replyFor(webhook.replyToken);
    const redelivery = structuredClone(webhook);
    redelivery.events[0]!.deliveryContext.isRedelivery = true;
    expect((await post(redelivery)).status).toBe(200);
    // Concurrent duplicates too.
    await Promise.all([post(redelivery), post(redelivery)]);

    const marker = textWebhook('hello');
    await post(marker);
    await replyFor(marker.replyToken);
    expect(repliesTo(webhook.replyToken)).toHaveLength(1);
    expect(env.counting.total).toBe(before + 2);
  });
});

describe('POST /api/line: authenticity', () => {
  const body = JSON.stringify(fixture('line/text-message.json'));
  it.each([
    ['without a signature', null],
    ['with an empty signature', ''],
    ['with a forged signature', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='],
    ['signed with another secret', signLineBody(body, 'another-channel-secret')],
    ['with the signature of another body', signLineBody(`${body} `, CHANNEL_SECRET)],
    ['with the signature in hex', createHmac('sha256', CHANNEL_SECRET).update(body).digest('hex')],
  ])('refuses a webhook %s with 401 and sends nothing', async (_name, signature) => {
    const before = { calls: env.counting.total, sent: fake.calls.length };
    expectJsonError(await post(body, signature), 401, 'invalid_signature');
    const marker = textWebhook('hello');
    await post(marker);
    await replyFor(marker.replyToken);
    expect(fake.calls.length).toBe(before.sent + 1);
    expect(env.counting.total).toBe(before.calls + 1);
  });

  it('refuses an unsigned request before reading its body (401, not 400 or 415)', async () => {
    expectJsonError(await post('{not json', null), 401, 'invalid_signature');
    const res = await request(app).post('/api/line').set('Content-Type', 'text/plain').send('hi');
    expectJsonError(res, 401, 'invalid_signature');
  });
});

describe('POST /api/line: bad requests', () => {
  it.each([
    ['malformed JSON', '{"events": [', 'invalid_json'],
    ['an empty body', '', 'invalid_json'],
    ['no events array', '{"destination": "U1"}', 'invalid_webhook'],
    ['events that is an object', '{"destination": "U1", "events": {"type": "message"}}', 'invalid_webhook'],
    ['an event that is not an object', '{"destination": "U1", "events": ["message"]}', 'invalid_webhook'],
    ['an array body', '[]', 'invalid_webhook'],
  ])('rejects %s (correctly signed) with 400', async (_name, body, code) => {
    expectJsonError(await post(body), 400, code);
  });

  it('rejects a body over the limit with 413', async () => {
    const body = JSON.stringify({ ...textWebhook('hi'), padding: 'x'.repeat(LINE_BODY_LIMIT) });
    expectJsonError(await post(body), 413, 'payload_too_large');
  });

  it('rejects a signed request with a non-JSON content type with 415', async () => {
    const body = JSON.stringify(textWebhook('hi'));
    const res = await request(app)
      .post('/api/line')
      .set('Content-Type', 'text/plain')
      .set('x-line-signature', signLineBody(body, CHANNEL_SECRET))
      .send(body);
    expectJsonError(res, 415, 'unsupported_media_type');
  });

  it('answers other methods with 405 and Allow: POST', async () => {
    const res = await request(app).get('/api/line');
    expectJsonError(res, 405, 'method_not_allowed');
    expect(res.headers.allow).toBe('POST');
  });

  it('is not mounted without the LINE secrets (404)', async () => {
    const plain = env.app();
    expectJsonError(await post(textWebhook('hi'), undefined, plain), 404, 'not_found');
  });
});

describe('POST /api/line: a failing LINE API', () => {
  it.each([
    ['500', 'fail-500', 500, 'An error occurred in the API server'],
    ['400 with details', 'fail-400', 400, 'The request body has 1 error(s)'],
  ])(
    "logs a %s answer with LINE's error and status, never the token, and keeps answering",
    async (_name, prefix, status, lineError) => {
      const failing = textWebhook('How many members does LinkedIn have?', { replyToken: `${prefix}-${counter}-token` });
      expect((await post(failing)).status).toBe(200);
      const entry = await env.logs.waitFor(
        'LINE reply failed',
        (l) => l.webhookEventId === failing.events[0]!.webhookEventId,
      );
      expect(entry).toMatchObject({ level: 'error', status, lineError, url: `${fake.url}/v2/bot/message/reply` });
      if (status === 400)
        expect(entry.lineDetails).toEqual([
          expect.objectContaining({ property: 'messages[0].quickReply.items[0].action.label' }),
        ]);

      const next = textWebhook('How many users does WeChat have?');
      await post(next);
      expect((await replyFor(next.replyToken)).body.messages[0]!.text).toContain('500 million');
      const all = env.logs.text();
      expect(all).not.toContain(ACCESS_TOKEN);
      expect(all).not.toContain(CHANNEL_SECRET);
    },
  );

  it('gives up on a LINE API that never answers after the timeout, logs it, and answers other users meanwhile', async () => {
    const logs = new LogCapture();
    const timed = express();
    timed.use(
      lineChannel.routes(env.channelDeps({ conversations: env.store, logger: logs.logger }), {
        ...settings,
        api: { ...settings.api, timeoutMs: 150 },
      }),
    );
    const hanging = textWebhook('How many members does LinkedIn have?', { replyToken: `hang-${counter}-token` });
    expect((await post(hanging, undefined, timed)).status).toBe(200);
    await replyFor(hanging.replyToken);

    // While that call hangs, another user is answered.
    const other = textWebhook('How many users does WeChat have?');
    await post(other, undefined, timed);
    expect((await replyFor(other.replyToken)).body.messages[0]!.text).toContain('500 million');

    const entry = await logs.waitFor('LINE reply failed');
    expect(entry).toMatchObject({ level: 'error', status: null, webhookEventId: hanging.events[0]!.webhookEventId });
    expect(entry.error).toContain('no answer within 150 ms');
    expect(logs.text()).not.toContain(ACCESS_TOKEN);
  });

  it('logs an unreachable LINE API without the token', async () => {
    const logs = new LogCapture();
    const deadUrl = `http://127.0.0.1:${await closedPort()}`;
    const unreachable = express();
    unreachable.use(
      lineChannel.routes(env.channelDeps({ conversations: env.store, logger: logs.logger }), {
        ...settings,
        api: { ...settings.api, url: deadUrl },
      }),
    );
    expect((await post(textWebhook('hello'), undefined, unreachable)).status).toBe(200);
    expect(await logs.waitFor('LINE reply failed')).toMatchObject({
      status: null,
      error: expect.stringContaining('ECONNREFUSED'),
    });
    expect(logs.text()).not.toContain(ACCESS_TOKEN);
  });

  it('replies with an apology when the conversation store fails', async () => {
    const logs = new LogCapture();
    const failingStore = env.app(
      { line: settings },
      { conversations: brokenStore('ENOSPC: no space left on device'), logger: logs.logger },
    );
    const webhook = textWebhook('How many members does LinkedIn have?');
    expect((await post(webhook, undefined, failingStore)).status).toBe(200);
    const call = await replyFor(webhook.replyToken);
    expect(call.body.messages).toEqual([{ type: 'text', text: APOLOGY }]);
    expect(logs.entries('LINE answer failed')[0]).toMatchObject({
      level: 'error',
      error: expect.stringContaining('ENOSPC'),
    });
  });
});

describe('toLineMessage', () => {
  const reply = (text: string, suggestions: string[] = []) => makeReply({ text, suggestions });

  it('keeps the text within 5000 characters without cutting an emoji in half', () => {
    expect(toLineMessage(reply('a'.repeat(LINE_TEXT_LIMIT))).text).toHaveLength(LINE_TEXT_LIMIT);
    const cut = toLineMessage(reply(`${'a'.repeat(LINE_TEXT_LIMIT - 2)}😀 and more`)).text;
    expect(cut).toBe(`${'a'.repeat(LINE_TEXT_LIMIT - 2)}…`);
  });

  it('keeps quick replies within 13 buttons, labels within 20 characters and texts within 300', () => {
    const suggestions = Array.from(
      { length: 15 },
      (_, i) => `Question number ${i} about LinkedIn and WeChat? ${'x'.repeat(i === 0 ? 400 : 0)}`,
    );
    const items = toLineMessage(reply('ok', suggestions)).quickReply!.items;
    expect(items).toHaveLength(LINE_QUICK_REPLY_LIMITS.items);
    for (const item of items) {
      expect(item.action.label.length).toBeLessThanOrEqual(20);
      expect(item.action.text.length).toBeLessThanOrEqual(300);
    }
    expect(items[1]!.action).toEqual({ type: 'message', label: 'Question number 1 a…', text: suggestions[1] });
  });

  it('omits quickReply when there are no suggestions', () => {
    expect(toLineMessage(reply('ok'))).toEqual({ type: 'text', text: 'ok' });
  });
});

describe('the real server (npm start) with the LINE variables', () => {
  // An API of its own: the fixture's reply token was answered by the in-process app already.
  let api: FakeApi<LineReplyCall>;
  beforeAll(async () => {
    api = await FakeApi.start(lineApi);
  });
  afterAll(() => api?.close());
  const real = useRealServer('line-server-', () => ({
    LINE_CHANNEL_SECRET: CHANNEL_SECRET,
    LINE_CHANNEL_ACCESS_TOKEN: ACCESS_TOKEN,
    LINE_API_URL: api.url,
  }));

  const send = (body: unknown, signature?: string) => {
    const raw = JSON.stringify(body);
    return fetch(`${real.server.url}/api/line`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'x-line-signature': signature ?? signLineBody(raw, CHANNEL_SECRET),
      },
      body: raw,
    });
  };

  it('answers the fixture webhook and a follow-up through the fake LINE API, and refuses a forged signature', async () => {
    expect((await send(fixture('line/verify.json'))).status).toBe(200);

    const webhook = fixture<Webhook>('line/text-message.json');
    expect((await send(webhook)).status).toBe(200);
    const call = await replyFor(webhook.events[0]!.replyToken, api, 5000);
    expect(call.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(call.body.messages[0]!.text).toContain('300 million');
    expect(call.body.messages[0]!.quickReply?.items.length).toBeGreaterThan(0);

    const userId = `Ue2e${'0'.repeat(28)}`;
    const first = textWebhook('How many users does WeChat have?', { userId });
    await send(first);
    expect((await replyFor(first.replyToken, api, 5000)).body.messages[0]!.text).toContain('500 million');
    const second = textWebhook('And LinkedIn?', { userId });
    await send(second);
    const followUp = (await replyFor(second.replyToken, api, 5000)).body.messages[0]!.text;
    expect(followUp).toContain('LinkedIn');
    expect(followUp).not.toContain('500 million');

    const forged = textWebhook('How many members does LinkedIn have?');
    const refused = await send(forged, 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('invalid_signature');
    expect(repliesTo(forged.replyToken, api)).toHaveLength(0);

    const stored = readStateFile(real.stateFile);
    expect(stored.conversations[`line:user:${userId}`].state.turns).toBe(2);
    expect(real.server.logs()).toContain('"line"');
    expect(real.server.logs()).not.toContain(ACCESS_TOKEN);
  });
});
