import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import request, { type Response } from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { signWebhookBody } from '../../../src/channels/webhook/index.js';
import { Turns } from '../../../src/conversation/turns.js';
import { expectJsonError, readStateFile, useChannelEnv } from '../../support/channels.js';

const REPLY_KEYS = ['confidence', 'fallback', 'intent', 'lang', 'quotes', 'sources', 'suggestions', 'text'];
const SECRET = 'a-test-secret-of-some-length';

const env = useChannelEnv('webhook-test-');
let app: Express;
let signedApp: Express;
let conversationCounter = 0;

const newConversationId = () => `test-${process.pid}-${++conversationCounter}`;

beforeAll(() => {
  app = env.app();
  signedApp = env.app({ webhook: { secret: SECRET } });
});

const ask = (body: unknown, target: Express = app) =>
  request(target)
    .post('/api/webhook')
    .send(body as object);

/** Sends `body` exactly as given, as application/json. */
const postRaw = (body: string, target: Express = app) =>
  request(target).post('/api/webhook').set('Content-Type', 'application/json').send(body);

/** Sends raw bytes with the given headers over a real socket (supertest re-encodes Buffers sent as JSON). */
async function postBytes(
  target: Express,
  body: Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  const server = target.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/webhook',
          headers: { ...headers, 'Content-Length': body.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function expectReply(
  res: Response,
): Record<string, unknown> & { text: string; intent: string | null; fallback: boolean } {
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(Object.keys(res.body).sort()).toEqual(REPLY_KEYS);
  expect(typeof res.body.text).toBe('string');
  expect(typeof res.body.confidence).toBe('number');
  expect(typeof res.body.fallback).toBe('boolean');
  expect(Array.isArray(res.body.sources)).toBe(true);
  expect(Array.isArray(res.body.quotes)).toBe(true);
  expect(Array.isArray(res.body.suggestions)).toBe(true);
  return res.body;
}

describe('POST /api/webhook: answers', () => {
  it('answers an in-scope question with the reply object', async () => {
    const res = await ask({ text: 'How many members does LinkedIn have?' });
    const reply = expectReply(res);
    expect(reply.intent).toBe('linkedin.members');
    expect(reply.fallback).toBe(false);
    expect(reply.text).toContain('300 million');
    expect(reply.text).toContain('paragraph 2');
    expect(reply.sources).toEqual(expect.arrayContaining([expect.objectContaining({ paragraph: 2 })]));
    expect(reply.confidence).toBeGreaterThan(0);
    expect(reply.confidence).toBeLessThanOrEqual(1);
  });

  it('accepts conversationId and userId, and a charset in the content type', async () => {
    const res = await request(app)
      .post('/api/webhook')
      .set('Content-Type', 'application/json; charset=utf-8')
      .send(
        JSON.stringify({
          text: '  How many members does LinkedIn have?  ',
          conversationId: newConversationId(),
          userId: 'u-7',
        }),
      );
    expect(expectReply(res).intent).toBe('linkedin.members');
  });

  it('falls back on an out-of-scope question', async () => {
    const reply = expectReply(await ask({ text: 'What is the capital of France?' }));
    expect(reply.fallback).toBe(true);
    expect(reply.intent).toBeNull();
    expect((reply.suggestions as string[]).length).toBeGreaterThanOrEqual(2);
    expect((reply.suggestions as string[]).length).toBeLessThanOrEqual(3);
    expect(reply.text.length).toBeGreaterThan(0);
  });

  it('answers a greeting as an answer, not a fallback', async () => {
    const reply = expectReply(await ask({ text: 'hello' }));
    expect(reply.fallback).toBe(false);
    expect(reply.intent).toBe('smalltalk.greeting');
  });

  describe('follow-ups within one conversation', () => {
    async function script(questions: string[], conversationId = newConversationId()) {
      const replies = [];
      for (const text of questions) replies.push(expectReply(await ask({ text, conversationId })));
      return replies;
    }

    it('resolves "she" to He Miao', async () => {
      const [first, second] = await script(['Who is He Miao?', 'Which company does she work for?']);
      expect(first!.intent).toBe('people.he-miao');
      expect(second!.fallback).toBe(false);
      expect(second!.text).toContain('Tianji');
    });

    it('resolves "it" to Tianji', async () => {
      const [first, second] = await script(['Tell me about Tianji', 'How many users does it have?']);
      expect(first!.intent).toMatch(/^tianji\./);
      expect(second!.fallback).toBe(false);
      expect(second!.text).toContain('18 million');
    });

    it('repeats the last question for a new entity ("And LinkedIn?")', async () => {
      const [first, second] = await script(['How many users does WeChat have?', 'And LinkedIn?']);
      expect(first!.text).toContain('500 million');
      expect(second!.fallback).toBe(false);
      expect(second!.intent).toMatch(/^linkedin\./);
      expect(second!.text).toContain('LinkedIn');
      expect(second!.text).toContain('million');
      expect(second!.text).not.toContain('500 million');
    });

    it('keeps conversations apart: the second questions alone are answered without that context', async () => {
      const alone = await Promise.all(
        ['Which company does she work for?', 'How many users does it have?', 'And LinkedIn?'].map((text) =>
          ask({ text, conversationId: newConversationId() }),
        ),
      );
      for (const res of alone) expectReply(res);
      const [, itAlone, andAlone] = alone.map((r) => r.body as { text: string; intent: string | null });
      // Without "Tell me about Tianji" first, "it" is not Tianji; without the WeChat question, no WeChat figure.
      expect(itAlone!.text).not.toContain('18 million');
      expect(andAlone!.text).not.toContain('500 million');
    });

    it("cannot name another channel's conversation: a Telegram chat's context is neither read nor changed", async () => {
      const chat = `telegram:${newConversationId()}`;
      // A Telegram user talks about Tianji, through the same store the webhook uses.
      const turns = new Turns({ engine: env.bot.engine, conversations: env.counting });
      await turns.answer(chat, 'Tell me about Tianji');
      const before = readStateFile(env.stateFile).conversations[chat];
      const reply = expectReply(await ask({ text: 'How many users does it have?', conversationId: chat }));
      expect(reply.text).not.toContain('18 million');
      expect(readStateFile(env.stateFile).conversations[chat]).toEqual(before);
    });

    it('does not carry context between requests without a conversationId', async () => {
      expectReply(await ask({ text: 'Tell me about Tianji' }));
      const reply = expectReply(await ask({ text: 'How many users does it have?' }));
      expect(reply.text).not.toContain('18 million');
    });

    it('stores the conversation in the state file, under "webhook:" and its id', async () => {
      const conversationId = newConversationId();
      await script(['How many users does WeChat have?', 'And LinkedIn?'], conversationId);
      const onDisk = readStateFile(env.stateFile);
      expect(onDisk.conversations[conversationId]).toBeUndefined();
      const entry = onDisk.conversations[`webhook:${conversationId}`];
      expect(entry).toBeDefined();
      expect(entry.state.turns).toBe(2);
      expect(entry.state.lastIntent).toMatch(/^linkedin\./);
      expect(entry.state.entities).toEqual(expect.arrayContaining([{ id: 'linkedin', kind: 'organization' }]));
      expect(Date.parse(entry.updatedAt)).not.toBeNaN();
    });
  });
});

describe('POST /api/webhook: errors', () => {
  it('rejects malformed JSON with 400 invalid_json', async () => {
    expectJsonError(await postRaw('{text: "hi"}'), 400, 'invalid_json');
  });

  it('rejects truncated JSON with 400', async () => {
    expectJsonError(await postRaw('{"text": "How many members does Linked'), 400, 'invalid_json');
  });

  it('rejects an empty body with 400', async () => {
    expectJsonError(await postRaw(''), 400);
  });

  it.each([['[{"text":"hi"}]'], ['42'], ['null'], ['"hi"'], ['true']])(
    'rejects a body that is not an object (%s) with 400',
    async (body) => {
      expectJsonError(await postRaw(body), 400);
    },
  );

  it.each([
    ['missing text', { conversationId: 'c-1' }],
    ['text that is a number', { text: 42 }],
    ['text that is null', { text: null }],
    ['text that is an array', { text: ['hi'] }],
    ['empty text', { text: '' }],
    ['whitespace-only text', { text: ' \n\t  ' }],
    ['text over 2000 characters', { text: 'a'.repeat(2001) }],
    ['text over 2000 characters after trimming', { text: `  ${'a'.repeat(2001)}  ` }],
  ])('rejects %s with 400 invalid_text', async (_name, body) => {
    expectJsonError(await ask(body), 400, 'invalid_text');
  });

  it('accepts text of exactly 2000 characters after trimming', async () => {
    expectReply(await ask({ text: `   ${'linkedin '.repeat(222)}ab   ` }));
    expect(`${'linkedin '.repeat(222)}ab`.length).toBe(2000);
  });

  it.each([
    ['conversationId that is a number', { text: 'hi', conversationId: 42 }],
    ['conversationId over 128 characters', { text: 'hi', conversationId: 'c'.repeat(129) }],
    ['conversationId that is empty', { text: 'hi', conversationId: '' }],
    ['conversationId that is an object', { text: 'hi', conversationId: { id: 'c' } }],
    ['userId that is a number', { text: 'hi', userId: 7 }],
    ['userId over 128 characters', { text: 'hi', userId: 'u'.repeat(129) }],
  ])('rejects %s with 400', async (_name, body) => {
    const error = expectJsonError(await ask(body), 400);
    expect(error.code).toMatch(/^invalid_(conversationId|userId)$/);
  });

  it('accepts a conversationId of exactly 128 characters', async () => {
    expectReply(await ask({ text: 'hi', conversationId: `x${newConversationId()}`.padEnd(128, 'x') }));
  });

  it('rejects a body over 16 KiB with 413', async () => {
    const body = JSON.stringify({ text: 'How many members does LinkedIn have?', padding: 'x'.repeat(17 * 1024) });
    expectJsonError(await postRaw(body), 413);
  });

  it('rejects Content-Type text/plain with 415', async () => {
    const res = await request(app)
      .post('/api/webhook')
      .set('Content-Type', 'text/plain')
      .send('{"text":"How many members does LinkedIn have?"}');
    expectJsonError(res, 415, 'unsupported_media_type');
  });

  it('rejects a form-encoded body with 415', async () => {
    expectJsonError(await request(app).post('/api/webhook').type('form').send('text=hi'), 415);
  });

  it('rejects a request without Content-Type with 415', async () => {
    const res = await postBytes(app, Buffer.from('{"text":"How many members does LinkedIn have?"}'), {});
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expectJsonError(res, 415, 'unsupported_media_type');
  });

  it('rejects invalid UTF-8 bytes sent as JSON with 400', async () => {
    // {"text":"<0xff 0xfe>"}
    const bytes = Buffer.concat([Buffer.from('{"text":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
    const res = await postBytes(app, bytes, { 'Content-Type': 'application/json' });
    expectJsonError(res, 400, 'invalid_json');
  });

  it('answers other methods on /api/webhook with a JSON 405 and Allow: POST', async () => {
    const res = await request(app).get('/api/webhook');
    expectJsonError(res, 405, 'method_not_allowed');
    expect(res.headers.allow).toBe('POST');
  });
});

describe('other routes', () => {
  it('GET /healthz answers 200 {status:"ok"}', async () => {
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('GET /nope answers a JSON 404', async () => {
    const res = await request(app).get('/nope');
    expectJsonError(res, 404, 'not_found');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('sends no X-Powered-By header on answers or errors', async () => {
    for (const res of [await ask({ text: 'hi' }), await postRaw('{'), await request(app).post('/nope')]) {
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });
});

describe('prototype pollution', () => {
  it('ignores "__proto__" and "constructor" keys in the body', async () => {
    const res = await postRaw(
      '{"text":"hi","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"conversationId":"proto-test"}',
    );
    expect(expectReply(res).intent).toBe('smalltalk.greeting');
    expect(({} as any).polluted).toBeUndefined();
    expect((Object.prototype as any).polluted).toBeUndefined();
  });

  it('does not let a "__proto__" conversationId reach Object.prototype', async () => {
    expectReply(await ask({ text: 'Who is He Miao?', conversationId: '__proto__' }));
    const reply = expectReply(await ask({ text: 'Which company does she work for?', conversationId: '__proto__' }));
    expect(reply.text).toContain('Tianji');
    expect(({} as any).state).toBeUndefined();
    expect(({} as any).updatedAt).toBeUndefined();
  });
});

describe('POST /api/webhook with WEBHOOK_SECRET', () => {
  const body = JSON.stringify({ text: 'How many members does LinkedIn have?' });
  const postSigned = (payload: string, signature: string) =>
    request(signedApp)
      .post('/api/webhook')
      .set('Content-Type', 'application/json')
      .set('X-Signature-256', signature)
      .send(payload);

  it('signs as sha256=<hex HMAC-SHA256 of the raw body>', () => {
    const expected = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    expect(signWebhookBody(body, SECRET)).toBe(expected);
    expect(signWebhookBody(Buffer.from(body), SECRET)).toBe(expected);
    expect(expected).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it('rejects a request without a signature with 401 invalid_signature', async () => {
    expectJsonError(await postRaw(body, signedApp), 401, 'invalid_signature');
  });

  it.each([
    ['a forged signature', `sha256=${'0'.repeat(64)}`],
    ['garbage', 'not-a-signature'],
    ['an empty header', ''],
    ['the hex without the sha256= prefix', createHmac('sha256', SECRET).update(body).digest('hex')],
    [
      'a signature keyed with another secret',
      `sha256=${createHmac('sha256', 'another-secret-of-length').update(body).digest('hex')}`,
    ],
    ['the right signature in base64', `sha256=${createHmac('sha256', SECRET).update(body).digest('base64')}`],
  ])('rejects %s with 401', async (_name, signature) => {
    const res = await postSigned(body, signature);
    expectJsonError(res, 401, 'invalid_signature');
  });

  it('rejects a signature over a different body with 401', async () => {
    const other = JSON.stringify({ text: 'What is the capital of France?' });
    const res = await postSigned(body, signWebhookBody(other, SECRET));
    expectJsonError(res, 401, 'invalid_signature');
  });

  it('rejects a signature over the same JSON with different whitespace (the raw body is signed)', async () => {
    const reformatted = JSON.stringify(JSON.parse(body), null, 2);
    const res = await postSigned(reformatted, signWebhookBody(body, SECRET));
    expectJsonError(res, 401, 'invalid_signature');
  });

  it('accepts the right signature', async () => {
    const independent = `sha256=${createHmac('sha256', SECRET).update(Buffer.from(body, 'utf8')).digest('hex')}`;
    for (const signature of [signWebhookBody(body, SECRET), independent]) {
      const res = await postSigned(body, signature);
      const reply = expectReply(res);
      expect(reply.intent).toBe('linkedin.members');
      expect(reply.text).toContain('300 million');
    }
  });

  it('checks the signature of a non-ASCII body over its bytes', async () => {
    const unicode = JSON.stringify({ text: 'LinkedIn 有多少会员? How many members does LinkedIn have?' });
    const res = await postSigned(unicode, signWebhookBody(Buffer.from(unicode, 'utf8'), SECRET));
    expectReply(res);
  });

  it('still validates a correctly signed body', async () => {
    const bad = '{"text": ""}';
    const res = await postSigned(bad, signWebhookBody(bad, SECRET));
    expectJsonError(res, 400, 'invalid_text');
  });

  it('leaves the unsigned app open', async () => {
    expectReply(await postRaw(body));
  });
});
