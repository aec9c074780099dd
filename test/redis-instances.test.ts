import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signSlackRequest } from '../src/channels/slack/signature.js';
import { wechatSignature } from '../src/channels/wechat/crypto.js';
import { parseWechatXml } from '../src/channels/wechat/xml.js';
import { PROJECT_ROOT } from '../src/config.js';
import { type ApiCall, FakeApi } from './support/fake-api.js';
import { describeWithRedis, freshPrefix } from './support/redis.js';
import { exited, type RunningServer, startServer } from './support/server.js';

// Two servers started as `npm start` starts them, sharing one real redis-server: what several instances behind
// a load balancer must get right.

const SLACK_SECRET = 'e3b0c44298fc1c149afbf4c8996fb924';
const SLACK_TOKEN = 'xoxb-1111111111-2222222222-TestTokenDoNotLog';
const WECHAT_TOKEN = 'redisWechatToken1';
type Json = Record<string, any>;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-instances-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const running: RunningServer[] = [];
async function instance(env: Record<string, string>): Promise<RunningServer> {
  const n = running.length;
  const server = await startServer({
    STATE_FILE: path.join(dir, `unused-${n}.json`),
    RATE_LIMIT_PER_ADDRESS: '0',
    ...env,
  });
  running.push(server);
  return server;
}
afterAll(async () => {
  for (const server of running) server.child.kill('SIGKILL');
  await Promise.all(running.map((s) => exited(s.child)));
});

const ask = (server: RunningServer, text: string, conversationId: string) =>
  fetch(`${server.url}/api/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text, conversationId }),
  });
const answer = async (server: RunningServer, text: string, conversationId: string) => {
  const res = await ask(server, text, conversationId);
  expect(res.status).toBe(200);
  return ((await res.json()) as Json).text as string;
};

/** What Redis holds for a webhook conversation, read by another client (redis-cli). */
function storedTurns(port: number, prefix: string, conversationId: string): number | null {
  const out = spawnSync('redis-cli', ['-p', String(port), 'HGET', `${prefix}conv:webhook:${conversationId}`, 's']);
  const text = out.stdout.toString().trim();
  return text === '' ? null : (JSON.parse(text) as { turns: number }).turns;
}

describeWithRedis('two instances sharing one Redis (npm start, REDIS_URL)', (redis) => {
  let a: RunningServer;
  let b: RunningServer;
  let prefix: string;
  let slack: FakeApi<Json>;
  beforeAll(async () => {
    slack = await FakeApi.start<Json>((call: ApiCall<Json>) => ({
      status: 200,
      body: { ok: true, channel: call.body.channel },
    }));
    prefix = freshPrefix();
    const env = {
      REDIS_URL: redis().url,
      REDIS_PREFIX: prefix,
      RATE_LIMIT_PER_CONVERSATION: '0',
      RECORD_UNANSWERED: '1',
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_BOT_TOKEN: SLACK_TOKEN,
      SLACK_API_URL: `${slack.url}/api`,
      WECHAT_TOKEN,
    };
    [a, b] = await Promise.all([instance(env), instance(env)]);
  });
  afterAll(() => slack?.close());

  it('answers a follow-up asked on the other instance in context', async () => {
    expect(await answer(a, 'Who is He Miao?', 'follow')).toContain('Tianji');
    expect(await answer(b, 'What did she say?', 'follow')).toContain('People in the West are more open');
  });

  it('answers 100 concurrent turns of one conversation spread over both, each stored once, none lost', async () => {
    const questions = [
      'How many members does LinkedIn have?',
      'And WeChat?',
      'Who is Derek Shen?',
      'When was Tianji founded?',
    ];
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => ask(i % 2 ? b : a, questions[i % questions.length]!, 'busy')),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200));
    expect(storedTurns(redis().port, prefix, 'busy')).toBe(100);
  });

  it('answers a Slack event once when Slack delivers it again to the other instance', async () => {
    const event = {
      type: 'event_callback',
      team_id: 'T0REDIS',
      event_id: `Ev0REDIS${process.pid}`,
      event: {
        type: 'app_mention',
        user: 'U0USER',
        text: '<@U0BOT> Who is Derek Shen?',
        ts: '1715330000.000900',
        channel: 'C0REDIS',
      },
    };
    const post = (server: RunningServer, retry?: string) => {
      const body = JSON.stringify(event);
      const timestamp = String(Math.floor(Date.now() / 1000));
      return fetch(`${server.url}/api/slack/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-slack-request-timestamp': timestamp,
          'x-slack-signature': signSlackRequest(SLACK_SECRET, timestamp, body),
          ...(retry ? { 'x-slack-retry-num': retry, 'x-slack-retry-reason': 'http_timeout' } : {}),
        },
        body,
      });
    };
    expect((await post(a)).status).toBe(200);
    expect((await post(b, '1')).status).toBe(200);
    await slack.waitForCalls(1);
    // Give a wrongly started second answer time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(slack.calls.filter((c) => c.body.channel === 'C0REDIS')).toHaveLength(1);
    expect(slack.calls[0]!.body.text).toContain('Derek Shen');
  });

  it("answers WeChat's retry on the other instance with the first reply, without a second turn", async () => {
    const xml = fs
      .readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'wechat', 'text.xml'), 'utf8')
      .replace(/<FromUserName>[\s\S]*?<\/FromUserName>/, '<FromUserName><![CDATA[oREDISuser]]></FromUserName>')
      .replace(/<MsgId>\d+<\/MsgId>/, `<MsgId>${Date.now()}</MsgId>`);
    const send = (server: RunningServer) => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = String(Math.floor(Math.random() * 1e9));
      const query = new URLSearchParams({
        signature: wechatSignature(WECHAT_TOKEN, timestamp, nonce),
        timestamp,
        nonce,
      });
      return fetch(`${server.url}/api/wechat?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: xml,
      });
    };
    const [first, retry] = await Promise.all([send(a), send(b)]);
    const firstReply = parseWechatXml(Buffer.from(await first.text())).Content;
    expect(firstReply).toContain('300 million');
    expect(parseWechatXml(Buffer.from(await retry.text())).Content).toBe(firstReply);
    const key = `${prefix}conv:wechat:oREDISuser`;
    const stored = spawnSync('redis-cli', ['-p', String(redis().port), 'HGET', key, 's']).stdout.toString();
    expect(JSON.parse(stored).turns).toBe(1);
  });

  it('keeps one review of unanswered questions for both, which npm run review prints', async () => {
    await answer(a, 'What is the weather in Beijing today?', 'review');
    await answer(b, 'what is the weather in beijing today', 'review-2');
    const review = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/review.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, REDIS_URL: redis().url, REDIS_PREFIX: prefix },
      encoding: 'utf8',
    });
    expect(review.status).toBe(0);
    expect(review.stdout).toMatch(/in Redis redis:\/\/127\.0\.0\.1:\d+ \(prefix test-/);
    expect(review.stdout).toMatch(/2 x {2}"what is the weather in beijing today"/);
  });
});

describeWithRedis('two instances: one quota, a killed instance, Redis going away', (redis) => {
  it('shares the per-conversation rate limit: one conversation has one quota, whichever instance it asks', async () => {
    const env = { REDIS_URL: redis().url, REDIS_PREFIX: freshPrefix(), RATE_LIMIT_PER_CONVERSATION: '4' };
    const [a, b] = await Promise.all([instance(env), instance(env)]);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await ask(i % 2 ? b : a, 'Who is Derek Shen?', 'quota')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    expect((await ask(b, 'Who is Derek Shen?', 'another')).status).toBe(200);
  });

  it('keeps every acknowledged turn when one instance is SIGKILLed mid-traffic, and the other goes on answering', async () => {
    const prefix = freshPrefix();
    const env = { REDIS_URL: redis().url, REDIS_PREFIX: prefix, RATE_LIMIT_PER_CONVERSATION: '0' };
    const [a, b] = await Promise.all([instance(env), instance(env)]);
    const acknowledged = new Map<string, number>();
    const traffic = async (server: RunningServer, conversation: string, turns: number) => {
      for (let i = 0; i < turns; i++) {
        const res = await ask(server, 'How many members does LinkedIn have?', conversation).catch(() => null);
        if (res?.status === 200) acknowledged.set(conversation, (acknowledged.get(conversation) ?? 0) + 1);
        await res?.text();
      }
    };
    const conversations = ['k1', 'k2', 'k3', 'k4'];
    const load = conversations.map((c, i) => traffic(i % 2 ? b : a, c, 40));
    await new Promise((resolve) => setTimeout(resolve, 300));
    a.child.kill('SIGKILL');
    await Promise.all(load);
    for (const c of conversations) {
      // Every acknowledged turn is stored; at most the one in flight at the kill is stored without its reply.
      const acked = acknowledged.get(c) ?? 0;
      const stored = storedTurns(redis().port, prefix, c) ?? 0;
      expect(stored).toBeGreaterThanOrEqual(acked);
      expect(stored).toBeLessThanOrEqual(acked + 1);
    }
    expect(acknowledged.get('k2')).toBe(40);
    expect(acknowledged.get('k4')).toBe(40);
    // The conversations the killed instance had are answered by the other, in context.
    expect(await answer(b, 'And WeChat?', 'k1')).toContain('500 million');
  });

  it('answers 503 with Retry-After while Redis is down (no 500, no crash), and answers again once it is back', async () => {
    const env = { REDIS_URL: redis().url, REDIS_PREFIX: freshPrefix(), REDIS_COMMAND_TIMEOUT_MS: '300' };
    const server = await instance(env);
    expect(await answer(server, 'Who is Derek Shen?', 'outage')).toContain('LinkedIn China');
    await redis().kill();
    const during = await Promise.all(Array.from({ length: 10 }, () => ask(server, 'Who is Derek Shen?', 'outage')));
    expect(during.map((r) => r.status)).toEqual(Array(10).fill(503));
    expect(during[0]!.headers.get('retry-after')).toBe('5');
    expect(((await during[0]!.json()) as Json).error.code).toBe('store_unavailable');
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    await redis().restart();
    await expect
      .poll(async () => (await ask(server, 'Who is Derek Shen?', 'outage')).status, { timeout: 8_000, interval: 200 })
      .toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(server.child.exitCode).toBeNull();
    expect(server.logs()).toContain('redis unreachable; turns get 503 until it is back');
    expect(server.logs()).toContain('redis reachable again');
    expect(server.logs()).not.toContain('"status":500');
  });

  it('refuses to start when REDIS_URL cannot be reached, naming it', async () => {
    const failed = startServer({
      REDIS_URL: 'redis://127.0.0.1:9',
      REDIS_CONNECT_TIMEOUT_MS: '300',
      STATE_FILE: path.join(dir, 'x.json'),
    });
    await expect(failed).rejects.toThrow(
      /exited with 1 before it was ready[\s\S]*REDIS_URL redis:\/\/127\.0\.0\.1:9: Redis cannot be reached/,
    );
  });
});
