/** The fuzzing is only as good as its invariants: each must catch what it is there to catch, and only that. */
import { describe, expect, it } from 'vitest';
import { checkResponse, Watchdog } from '../../tools/fuzz/check.js';
import type { FuzzCase, FuzzResponse } from '../../tools/fuzz/targets.js';

const request = (fields: Partial<FuzzCase> = {}): FuzzCase => ({
  route: 'webhook',
  kind: 'test',
  method: 'POST',
  path: '/api/webhook',
  headers: { 'content-type': 'application/json' },
  body: Buffer.from('{"text":"hi"}'),
  chunked: false,
  ...fields,
});

const answer = (status: number, body: string, type = 'application/json; charset=utf-8'): FuzzResponse => ({
  status,
  headers: type ? { 'content-type': type } : {},
  body: Buffer.from(body),
});

const jsonError = JSON.stringify({
  error: { code: 'invalid_json', message: 'The request body is not valid UTF-8 JSON.' },
});

describe('checkResponse', () => {
  it.each([
    ['a 200 with a reply', answer(200, '{"text":"LinkedIn has more than 300 million members (paragraph 2)."}')],
    ['a 200 with no body', answer(200, '', '')],
    ['a 400 JSON error', answer(400, jsonError)],
    ['a WeChat echostr', answer(200, 'echo', 'text/plain; charset=utf-8')],
  ])('accepts %s', (_name, response) => {
    expect(checkResponse(request(), response)).toEqual([]);
  });

  it.each([
    ['a 500', answer(500, '{"error":{"code":"internal_error","message":"Something went wrong."}}'), '5xx'],
    ['a 502', answer(502, '{"error":{"code":"reply_not_delivered","message":"x"}}'), '5xx'],
    ['a redirect', answer(302, ''), 'neither 2xx nor 4xx'],
    ['no answer', { status: 0, headers: {}, body: Buffer.alloc(0), error: 'ECONNRESET' }, 'no response'],
    ['a 4xx without a JSON type', answer(431, '', ''), 'error without a JSON content type'],
    ['a 4xx that is not JSON', answer(400, 'Bad Request', 'application/json'), 'error body that is not JSON'],
    ['a 4xx of another shape', answer(400, '{"error":"bad"}'), 'error body not shaped {"error":{"code","message"}}'],
    [
      'a 4xx with extra fields',
      answer(400, '{"error":{"code":"x","message":"y","stack":"z"}}'),
      'error body not shaped {"error":{"code","message"}}',
    ],
    ['a 2xx claiming JSON that is not', answer(200, '{"text":'), '2xx JSON that does not parse'],
    [
      'a stack trace',
      answer(
        500,
        'TypeError: x is not iterable\n    at questionText (/work/main/src/channels/bot-framework-bot.ts:110:33)',
        'text/html',
      ),
      'internals in the body',
    ],
    ['a source location', answer(200, '{"where":"dist/channels/slack.js:12:7"}'), 'internals in the body'],
    ['a node_modules path', answer(200, '{"where":"node_modules/botbuilder"}'), 'internals in the body'],
    [
      "Express's HTML error page",
      answer(400, '<!DOCTYPE html><html><pre>SyntaxError</pre></html>', 'text/html'),
      'internals in the body',
    ],
  ])('flags %s', (_name, response, problem) => {
    expect(checkResponse(request(), response).map((p) => p.split(': ')[0])).toContain(problem);
  });

  it('excuses a leak pattern that only echoes the request', () => {
    const echoed = request({
      body: Buffer.from('{"type":"url_verification","challenge":"see node_modules/x.js:1:2"}'),
    });
    expect(checkResponse(echoed, answer(200, '{"challenge":"see node_modules/x.js:1:2"}'))).toEqual([]);
  });

  it('flags internals in a header', () => {
    const response: FuzzResponse = {
      ...answer(200, '{}'),
      headers: { 'content-type': 'application/json', 'x-debug': '/work/main/src/app.ts:3:1' },
    };
    expect(checkResponse(request(), response).map((p) => p.split(': ')[0])).toContain('internals in a header');
  });
});

describe('Watchdog', () => {
  it('notices a polluted prototype and a secret in a log line, once each', () => {
    const lines: string[] = [];
    const watchdog = new Watchdog(['s3cret-value'], () => lines.splice(0));
    try {
      expect(watchdog.take()).toEqual([]);
      (Object.prototype as Record<string, unknown>).polluted = 'yes';
      lines.push('{"message":"token s3cret-value"}');
      const found = watchdog.take().map((p) => p.split(': ')[0]);
      expect(found).toEqual(expect.arrayContaining(['prototype polluted', 'secret in a log line']));
      delete (Object.prototype as Record<string, unknown>).polluted;
      // The removal is a change too; after it the prototype is as it was.
      watchdog.take();
      expect(watchdog.take()).toEqual([]);
    } finally {
      delete (Object.prototype as Record<string, unknown>).polluted;
      watchdog.stop();
    }
  });
});
