import fs from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cleanSlackText, questionFromEvent } from '../../../src/channels/slack/event.js';
import { SLACK_BODY_LIMIT, slackChannel } from '../../../src/channels/slack/index.js';
import { formatSlackText } from '../../../src/channels/slack/reply.js';
import type { SlackSettings } from '../../../src/channels/slack/settings.js';
import { signSlackRequest, verifySlackRequest } from '../../../src/channels/slack/signature.js';
import { PROJECT_ROOT } from '../../../src/config.js';
import { MAX_QUESTION_LENGTH } from '../../../src/conversation/turns.js';
import { expectJsonError, LogCapture, makeReply, useChannelEnv, useRealServer } from '../../support/channels.js';
import { type ApiCall, type FakeAnswer, FakeApi } from '../../support/fake-api.js';

// Slack's "Verifying requests from Slack" page, step-by-step walk-through (a slash command's form body).
const VECTOR = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
    '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
    '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
    '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

const SIGNING_SECRET = 'e3b0c44298fc1c149afbf4c8996fb924';
const BOT_TOKEN = 'xoxb-1111111111-2222222222-TestTokenDoNotLog';

type Json = Record<string, any>;
const fixture = (name: string): Json =>
  JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'slack', `${name}.json`), 'utf8'));

let counter = 0;
/** A fixture as a new delivery: fresh event id and message ts (a retry keeps them), optional event fields. */
function delivery(name: string, event: Json = {}): Json {
  const payload = fixture(name);
  counter += 1;
  if (payload.event) {
    const ts = `${1715330000 + counter}.000${String(counter).padStart(3, '0')}`;
    payload.event_id = `Ev0TEST${process.pid}x${counter}`;
    payload.event = { ...payload.event, ts, event_ts: ts, ...event };
  }
  return payload;
}

/** What the real Slack Web API answers to a good chat.postMessage. */
const slackOk = (call: ApiCall<Json>): FakeAnswer => ({
  status: 200,
  body: { ok: true, channel: call.body.channel, ts: '1715330000.000100' },
});

const env = useChannelEnv('slack-test-');
/** A stand-in for https://slack.com/api: `${fake.url}/api`. */
let fake: FakeApi<Json>;
let app: Express;
let settings: SlackSettings;

beforeAll(async () => {
  fake = await FakeApi.start<Json>(slackOk);
  settings = { secret: SIGNING_SECRET, api: { url: `${fake.url}/api`, token: BOT_TOKEN } };
  app = env.app({ slack: settings });
});

afterAll(() => fake?.close());

beforeEach(() => {
  fake.calls.length = 0;
  fake.respond = slackOk;
  env.logs.clear();
});

interface SendOptions {
  timestamp?: number;
  secret?: string;
  headers?: Record<string, string>;
  contentType?: string;
}

/** POSTs `payload` (an object, or a raw string sent as is) signed the way Slack signs it. */
function send(payload: Json | string, options: SendOptions = {}, target: Express = app) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  return request(target)
    .post('/api/slack/events')
    .set('Content-Type', options.contentType ?? 'application/json')
    .set('X-Slack-Request-Timestamp', timestamp)
    .set('X-Slack-Signature', signSlackRequest(options.secret ?? SIGNING_SECRET, timestamp, body))
    .set(options.headers ?? {})
    .send(body);
}

/**
 * Runs `act`, then sends a question from a sentinel channel and waits for its answer: what went out in
 * between must be the sentinel's answer alone. The sentinel takes the same asynchronous path as any answer,
 * so an answer `act` wrongly started would reach the fake API first.
 */
async function expectNothingSent(act: () => Promise<void>): Promise<void> {
  await act();
  const before = fake.calls.length;
  const sentinel = delivery('message-im', { channel: 'D0SENTINEL', text: 'Who is Derek Shen?' });
  expect((await send(sentinel)).status).toBe(200);
  await fake.waitForCalls(before + 1);
  expect(fake.calls.map((c) => c.body.channel)).toEqual(['D0SENTINEL']);
}

const noSecretsLogged = () => {
  const all = env.logs.text();
  expect(all).not.toContain(BOT_TOKEN);
  expect(all).not.toContain(SIGNING_SECRET);
};

describe('request signing', () => {
  it("signs Slack's published example to its published signature", () => {
    expect(signSlackRequest(VECTOR.secret, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
    expect(signSlackRequest(VECTOR.secret, VECTOR.timestamp, Buffer.from(VECTOR.body))).toBe(VECTOR.signature);
  });

  it('accepts the published example within five minutes of its timestamp', () => {
    const at = Number(VECTOR.timestamp) * 1000;
    for (const skew of [0, 299_000, -299_000]) {
      expect(() =>
        verifySlackRequest(VECTOR.secret, VECTOR.timestamp, VECTOR.signature, Buffer.from(VECTOR.body), at + skew),
      ).not.toThrow();
    }
  });

  it.each([
    ['more than five minutes late', { now: 301_000 }, 'stale_request'],
    ['more than five minutes early', { now: -301_000 }, 'stale_request'],
    ['signed with another secret', { secret: 'bogus' }, 'invalid_signature'],
    ['with a body changed by one byte', { body: `${VECTOR.body}&` }, 'invalid_signature'],
    ['with the signature in upper case', { signature: VECTOR.signature.toUpperCase() }, 'invalid_signature'],
    ['without a signature', { signature: null }, 'missing_signature'],
    ['with a timestamp that is not whole seconds', { timestamp: '1531420618.5' }, 'invalid_timestamp'],
  ])('refuses the example %s', (_name, change: Json, code) => {
    const at = Number(VECTOR.timestamp) * 1000 + (change.now ?? 0);
    const signature = change.signature === null ? undefined : (change.signature ?? VECTOR.signature);
    const verify = () =>
      verifySlackRequest(
        change.secret ?? VECTOR.secret,
        change.timestamp ?? VECTOR.timestamp,
        signature,
        Buffer.from(change.body ?? VECTOR.body),
        at,
      );
    expect(verify).toThrow(expect.objectContaining({ status: 401, code }));
  });
});

describe('reading events', () => {
  it.each([
    [
      'app-mention',
      {
        team: 'T061EG9R6',
        channel: 'C0LAN2Q65',
        ts: '1715325467.512399',
        text: 'How many members does LinkedIn have?',
      },
    ],
    [
      'app-mention-thread',
      {
        team: 'T061EG9R6',
        channel: 'C0LAN2Q65',
        ts: '1715325590.004100',
        threadTs: '1715325467.512399',
        text: 'What did He Miao say?',
      },
    ],
    [
      'message-im',
      { team: 'T061EG9R6', channel: 'D024BE91L', ts: '1715326001.839129', text: 'How many users does WeChat have?' },
    ],
  ])('takes the question from %s', (name, expected) => {
    const payload = fixture(name);
    expect(questionFromEvent(payload.team_id, payload.event)).toEqual(expected);
  });

  it.each(['message-im-own-reply', 'message-im-changed', 'message-channel'])('does not answer %s', (name) => {
    const payload = fixture(name);
    expect(questionFromEvent(payload.team_id, payload.event)).toBeNull();
  });

  it('does not answer any bot, with or without a subtype', () => {
    const base = fixture('message-im').event;
    expect(questionFromEvent('T1', { ...base, subtype: 'bot_message', bot_id: 'B1', user: undefined })).toBeNull();
    expect(questionFromEvent('T1', { ...base, bot_id: 'B2' })).toBeNull();
    expect(questionFromEvent('T1', { ...fixture('app-mention').event, bot_id: 'B3' })).toBeNull();
    expect(questionFromEvent('T1', { ...base, subtype: 'message_deleted' })).toBeNull();
    expect(questionFromEvent('T1', { ...base, subtype: 'file_share' })).not.toBeNull();
  });

  it.each([
    ['<@U0LAN0Z89> Who is He Miao?', 'Who is He Miao?'],
    ['<@U0LAN0Z89|articlebot>   what did   she say?', 'what did she say?'],
    ['Is <https://www.linkedin.com|LinkedIn> big in <#C0LAN2Q65|china-news>?', 'Is LinkedIn big in #china-news?'],
    ['<!here> AT&amp;T &lt;3 <https://example.com/a>', 'AT&T <3 https://example.com/a'],
    ['<@U0LAN0Z89>', ''],
  ])('cleans %j to %j', (text, expected) => {
    expect(cleanSlackText(text)).toBe(expected);
  });
});

describe('formatting replies', () => {
  it('shows lines with a quotation as blockquotes and keeps every word', async () => {
    const answer = env.bot.engine.respond('What did He Miao say?').reply;
    expect(answer.quotes.length).toBeGreaterThan(0);
    const text = formatSlackText(answer);
    const quoted = text.split('\n').filter((l) => l.startsWith('> '));
    expect(quoted).toHaveLength(answer.quotes.length);
    for (const q of answer.quotes) expect(text).toContain(q.text);
    for (const line of answer.text.split('\n')) expect(text).toContain(line);
  });

  it("escapes Slack's control characters and lists suggestions", () => {
    const text = formatSlackText(makeReply({ text: 'A <b> & c', suggestions: ['Who is He Miao?', 'Q & A?'] }));
    expect(text).toBe('A &lt;b&gt; &amp; c\n\n*You could ask:*\n• Who is He Miao?\n• Q &amp; A?');
  });

  it('does not repeat suggestions a fallback already names', () => {
    const text = 'Sorry, the article does not say that. You could ask: "Who is He Miao?"';
    expect(formatSlackText(makeReply({ text, fallback: true, intent: null, suggestions: ['Who is He Miao?'] }))).toBe(
      text,
    );
  });
});

describe('POST /api/slack/events', () => {
  it('answers url_verification with the challenge', async () => {
    const res = await send(fixture('url-verification'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });

  it('acknowledges a mention at once and answers it through chat.postMessage with the bot token', async () => {
    const res = await send(delivery('app-mention'));
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    const [call] = await fake.waitForCalls(1);
    expect(call!.path).toBe('/api/chat.postMessage');
    expect(call!.headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(call!.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(call!.body).sort()).toEqual(['channel', 'text']);
    expect(call!.body.channel).toBe('C0LAN2Q65');
    expect(call!.body.text).toContain('300 million');
    expect(call!.body.text).not.toContain('<@');
  });

  it('answers in the thread a question was asked in', async () => {
    await send(delivery('app-mention-thread'));
    const [call] = await fake.waitForCalls(1);
    expect(call!.body.thread_ts).toBe('1715325467.512399');
    expect(call!.body.text).toMatch(/^> .*People in the West are more open/m);
  });

  it('answers direct messages, follow-ups in the same conversation', async () => {
    const channel = `D0FOLLOW${counter}`;
    await send(delivery('message-im', { channel }));
    await fake.waitForCalls(1);
    await send(delivery('message-im', { channel, text: 'And LinkedIn?' }));
    const calls = await fake.waitForCalls(2);
    expect(calls[0]!.body.text).toContain('500 million');
    expect(calls[1]!.body.text).toContain('5 million');
    expect(calls[1]!.body.text).not.toMatch(/does not say/);
    expect(calls.every((c) => c.body.channel === channel && c.body.thread_ts === undefined)).toBe(true);
  });

  it('answers a question in Chinese in Chinese, its suggestions under a Chinese heading', async () => {
    await send(delivery('message-im', { channel: `D0CHINESE${counter}`, text: '领英的中国用户有多少' }));
    const [call] = await fake.waitForCalls(1);
    expect(call!.body.text).toMatch(/^领英报告称，到5月底，其中国用户已超过500万（第7段）。/);
    expect(call!.body.text).toContain('*你可以问：*');
  });

  it('welcomes a bare mention', async () => {
    await send(delivery('app-mention', { text: '<@U0LAN0Z89>' }));
    const [call] = await fake.waitForCalls(1);
    expect(call!.body.text).toContain(env.bot.engine.welcome().text.slice(0, 40));
  });

  it('asks for a shorter question when one is too long, leaving the conversation as it was', async () => {
    const channel = `D0TOOLONG${counter}`;
    await send(delivery('message-im', { channel }));
    await fake.waitForCalls(1);
    const before = env.counting.total;
    await send(delivery('message-im', { channel, text: 'LinkedIn? '.repeat(201) }));
    const [, tooLong] = await fake.waitForCalls(2);
    expect(tooLong!.body.text).toContain(`too long for me (more than ${MAX_QUESTION_LENGTH} characters)`);
    for (const suggestion of env.bot.engine.welcome().suggestions)
      expect(tooLong!.body.text).toContain(`• ${suggestion}`);
    expect(env.counting.total).toBe(before);
    // Not a turn: "And LinkedIn?" still follows the WeChat question.
    await send(delivery('message-im', { channel, text: 'And LinkedIn?' }));
    const calls = await fake.waitForCalls(3);
    expect(calls[2]!.body.text).toContain('5 million');
  });

  it.each(['message-im-own-reply', 'message-im-changed', 'message-channel', 'app-rate-limited'])(
    'acknowledges %s and answers nothing',
    async (name) => {
      await expectNothingSent(async () => {
        const res = await send(delivery(name));
        expect(res.status).toBe(200);
      });
    },
  );

  it('answers a retried event once', async () => {
    const event = delivery('app-mention', { channel: 'C0RETRY' });
    await expectNothingSent(async () => {
      expect((await send(event)).status).toBe(200);
      await fake.waitForCalls(1);
      for (const retry of ['1', '2', '3']) {
        expect(
          (await send(event, { headers: { 'X-Slack-Retry-Num': retry, 'X-Slack-Retry-Reason': 'http_timeout' } }))
            .status,
        ).toBe(200);
      }
      expect(fake.calls.map((c) => c.body.channel)).toEqual(['C0RETRY']);
      fake.calls.length = 0;
    });
    expect(env.logs.entries('slack: repeated event not answered again')).not.toHaveLength(0);
  });

  it('answers one message once when it comes both as app_mention and as message.im', async () => {
    const im = delivery('message-im', { channel: 'D0BOTH', text: '<@U0LAN0Z89> Who is He Miao?' });
    const mention = {
      ...delivery('app-mention'),
      event: { ...im.event, type: 'app_mention', channel_type: undefined },
    };
    await expectNothingSent(async () => {
      await Promise.all([send(im), send(mention)]);
      await fake.waitForCalls(1);
      expect(fake.calls.map((c) => c.body.channel)).toEqual(['D0BOTH']);
      fake.calls.length = 0;
    });
  });

  it.each([
    ['a forged signature', () => ({ secret: 'not-the-signing-secret' }), 'invalid_signature'],
    ['a stale timestamp', () => ({ timestamp: Math.floor(Date.now() / 1000) - 305 }), 'stale_request'],
    ['a timestamp from the future', () => ({ timestamp: Math.floor(Date.now() / 1000) + 305 }), 'stale_request'],
  ])('refuses %s with 401 and sends nothing', async (_name, options, code) => {
    await expectNothingSent(async () => {
      expectJsonError(await send(delivery('app-mention'), options()), 401, code);
    });
  });

  it('refuses a request without signature headers with 401', async () => {
    const res = await request(app)
      .post('/api/slack/events')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(delivery('app-mention')));
    expectJsonError(res, 401, 'missing_signature');
  });

  it.each([
    ['invalid JSON', '{"type": "event_callback",', 'invalid_json'],
    ['a JSON array', '[]', 'invalid_request'],
    ['url_verification without a challenge', '{"type":"url_verification"}', 'invalid_request'],
    ['event_callback without an event', '{"type":"event_callback","event_id":"Ev1","team_id":"T1"}', 'invalid_event'],
    [
      'event_callback without an event id',
      JSON.stringify({ ...fixture('app-mention'), event_id: 42 }),
      'invalid_event',
    ],
  ])('refuses %s with 400', async (_name, body, code) => {
    expectJsonError(await send(body), 400, code);
  });

  it('refuses a body over the limit (413), a form body (415) and other methods (405)', async () => {
    const huge = JSON.stringify({ ...fixture('app-mention'), padding: 'x'.repeat(SLACK_BODY_LIMIT) });
    expectJsonError(await send(huge), 413, 'payload_too_large');
    expectJsonError(
      await send(VECTOR.body, { contentType: 'application/x-www-form-urlencoded' }),
      415,
      'unsupported_media_type',
    );
    const get = await request(app).get('/api/slack/events');
    expectJsonError(get, 405, 'method_not_allowed');
    expect(get.headers.allow).toBe('POST');
  });

  it('is not mounted without SLACK_SIGNING_SECRET: 404', async () => {
    const bare = env.app();
    expectJsonError(await send(delivery('app-mention'), {}, bare), 404, 'not_found');
  });
});

describe('when the Slack API fails', () => {
  /** The Slack route alone, with its own log, a bound on chat.postMessage, and the answers still going out. */
  function directChannel(timeoutMs: number, apiUrl = settings.api.url) {
    const logs = new LogCapture();
    const deps = env.channelDeps({ conversations: env.store, logger: logs.logger });
    const app = express().use(
      slackChannel.routes(deps, { ...settings, api: { ...settings.api, url: apiUrl, timeoutMs } }),
    );
    return { app, logs, background: deps.background };
  }

  it("logs Slack's error without the token and keeps answering", async () => {
    fake.respond = (call) =>
      call.body.channel === 'C0GONE' ? { status: 200, body: { ok: false, error: 'channel_not_found' } } : slackOk(call);
    await send(delivery('app-mention', { channel: 'C0GONE' }));
    const line = await env.logs.waitFor('slack: chat.postMessage failed', (l) => l.slackError === 'channel_not_found');
    expect(line).toMatchObject({
      level: 'error',
      message: 'slack: chat.postMessage failed',
      slackError: 'channel_not_found',
      channel: 'C0GONE',
    });

    await send(delivery('app-mention', { channel: 'C0FINE' }));
    const calls = await fake.waitForCalls(2);
    expect(calls[1]!.body.channel).toBe('C0FINE');
    noSecretsLogged();
  });

  it('logs an HTTP error status with what Slack said', async () => {
    fake.respond = () => ({ status: 429, body: { ok: false, error: 'ratelimited' } });
    await send(delivery('message-im'));
    const line = await env.logs.waitFor('slack: chat.postMessage failed', (l) => l.status === 429);
    expect(line.slackError).toBe('ratelimited');
    noSecretsLogged();
  });

  it('gives up on a hanging call after the timeout, without holding up the acknowledgement or other answers', async () => {
    const { app: direct, logs, background } = directChannel(300);
    fake.respond = (call) => (call.body.channel === 'C0HANG' ? 'hang' : slackOk(call));

    const hanging = delivery('app-mention', { channel: 'C0HANG' });
    expect((await send(hanging, {}, direct)).status).toBe(200);
    await fake.waitForCalls(1);
    // Acknowledged while the call to Slack is still open.
    expect(background.pending).toBe(1);

    const other = delivery('app-mention', { channel: 'C0OTHER' });
    await send(other, {}, direct);
    await logs.waitFor('slack: answered', (l) => l.eventId === other.event_id);
    expect(logs.entries('slack: chat.postMessage failed')).toEqual([]);
    expect(fake.calls.map((c) => c.body.channel)).toEqual(['C0HANG', 'C0OTHER']);

    await background.drain();
    const [failure] = logs.entries('slack: chat.postMessage failed');
    expect(failure).toMatchObject({ level: 'error', channel: 'C0HANG', eventId: hanging.event_id });
    expect(failure!.error).toContain('no answer within 300 ms');
    expect(logs.text()).not.toContain(BOT_TOKEN);
  });

  it('logs an unreachable Slack API', async () => {
    // Port 9 (discard) on loopback: nothing listens, so the connection is refused.
    const { app: unreachable, logs, background } = directChannel(1000, 'http://127.0.0.1:9/api');
    const event = delivery('message-im');
    expect((await send(event, {}, unreachable)).status).toBe(200);
    await background.drain();
    const [failure] = logs.entries('slack: chat.postMessage failed');
    expect(failure?.error).toMatch(/POST http:\/\/127\.0\.0\.1:9\/api\/chat\.postMessage failed/);
    expect(logs.text()).not.toContain(BOT_TOKEN);
  });
});

describe('the real server (npm start) with SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN and SLACK_API_URL', () => {
  const real = useRealServer('slack-server-', () => ({
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: settings.api.url,
  }));

  const post = (payload: Json, secret = SIGNING_SECRET) => {
    const body = JSON.stringify(payload);
    const timestamp = String(Math.floor(Date.now() / 1000));
    return fetch(`${real.server.url}/api/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': signSlackRequest(secret, timestamp, body),
      },
      body,
    });
  };

  it('answers a mention in a channel and a follow-up in its thread, and refuses a forged request', async () => {
    const challenge = await post(fixture('url-verification'));
    expect(await challenge.json()).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });

    const mention = delivery('app-mention');
    const ack = await post(mention);
    expect(ack.status).toBe(200);
    const [first] = await fake.waitForCalls(1);
    expect(first).toMatchObject({ path: '/api/chat.postMessage', headers: { authorization: `Bearer ${BOT_TOKEN}` } });
    expect(first!.body.channel).toBe('C0LAN2Q65');
    expect(first!.body.thread_ts).toBeUndefined();
    expect(first!.body.text).toContain('300 million');

    const thread = mention.event.ts as string;
    await post(
      delivery('app-mention-thread', { thread_ts: thread, text: '<@U0LAN0Z89> How many users does WeChat have?' }),
    );
    await post(delivery('app-mention-thread', { thread_ts: thread, text: '<@U0LAN0Z89> And LinkedIn?' }));
    const calls = await fake.waitForCalls(3);
    expect(calls[1]!.body).toMatchObject({ channel: 'C0LAN2Q65', thread_ts: thread });
    expect(calls[1]!.body.text).toContain('500 million');
    expect(calls[2]!.body).toMatchObject({ channel: 'C0LAN2Q65', thread_ts: thread });
    expect(calls[2]!.body.text).toContain('5 million');

    const forged = await post(delivery('app-mention'), 'forged-secret');
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as Json).error.code).toBe('invalid_signature');
    expect(fake.calls).toHaveLength(3);
    expect(real.server.logs()).not.toContain(BOT_TOKEN);
    expect(real.server.logs()).not.toContain(SIGNING_SECRET);
  });
});
