import http from 'node:http';
import type net from 'node:net';
import zlib from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRecord, parseJsonBody, postRoute } from '../../src/http/body.js';
import { constantTimeEqual } from '../../src/http/constant-time.js';
import { errorBoundary } from '../../src/http/error-boundary.js';
import { createLogger } from '../../src/log.js';

describe('request helpers', () => {
  it('parses UTF-8 JSON and refuses anything else with 400 invalid_json', () => {
    expect(parseJsonBody(Buffer.from('{"a":[1,"é"]}'))).toEqual({ a: [1, 'é'] });
    for (const raw of [Buffer.from(''), Buffer.from('{"a":'), Buffer.from([0x22, 0xff, 0x22])]) {
      expect(() => parseJsonBody(raw)).toThrow(expect.objectContaining({ status: 400, code: 'invalid_json' }));
    }
  });

  it('takes only JSON objects for records', () => {
    expect(isRecord({})).toBe(true);
    for (const value of [null, [], 'x', 1, undefined]) expect(isRecord(value)).toBe(false);
  });

  it('compares secrets exactly, and an absent one never matches', () => {
    expect(constantTimeEqual('s3cret', 's3cret')).toBe(true);
    for (const given of ['s3creT', 's3cre', 's3crett', '', undefined])
      expect(constantTimeEqual(given, 's3cret')).toBe(false);
    expect(constantTimeEqual(undefined, '')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });
});

describe('a POST route reading its body (postRoute)', () => {
  const LIMIT = 1024;
  let server: http.Server;
  let url: string;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  /** Sockets the server has accepted: one, when a refusal leaves the connection usable. */
  let sockets = 0;

  beforeAll(async () => {
    const app = express();
    const router = express.Router();
    postRoute(
      router,
      '/echo',
      { limit: LIMIT, typeMessage: 'Send JSON.', methodMessage: 'POST only.' },
      (_req, res, body) => {
        res.json({ bytes: body.length, parsed: parseJsonBody(body) });
      },
    );
    app.use(router);
    app.use(errorBoundary(createLogger('silent')));
    server = http.createServer(app);
    server.on('connection', () => sockets++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/echo`;
  });

  afterAll(async () => {
    agent.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /**
   * POSTs `body` with `headers` over the one kept-alive connection, with its length declared or (`chunked`) not;
   * the status and the parsed JSON answer.
   */
  function send(
    body: Buffer,
    headers: Record<string, string | number> = {},
    chunked = false,
  ): Promise<{ status: number; json: any }> {
    const length = chunked ? {} : { 'content-length': body.length };
    return new Promise((resolve, reject) => {
      const req = http.request(
        url,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', ...length, ...headers } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  const question = Buffer.from(JSON.stringify({ text: 'How many users does WeChat have?' }));

  it('hands over exactly the bytes sent, and gzip, deflate or br bodies undone', async () => {
    expect(await send(question)).toEqual({
      status: 200,
      json: { bytes: question.length, parsed: JSON.parse(`${question}`) },
    });
    for (const [encoding, compress] of [
      ['gzip', zlib.gzipSync],
      ['deflate', zlib.deflateSync],
      ['br', zlib.brotliCompressSync],
    ] as const) {
      const res = await send(compress(question), { 'content-encoding': encoding });
      expect(res, encoding).toEqual({
        status: 200,
        json: { bytes: question.length, parsed: JSON.parse(`${question}`) },
      });
    }
  });

  it('refuses a body over the limit with 413, declared or sent, compressed or not, and keeps the connection', async () => {
    const big = Buffer.from(JSON.stringify({ text: 'x'.repeat(LIMIT) }));
    const refused = {
      status: 413,
      json: { error: { code: 'payload_too_large', message: 'The request body is too large.' } },
    };
    expect(await send(big)).toEqual(refused);
    // Chunked, so no length is declared: the limit holds over what arrives.
    expect(await send(big, {}, true)).toEqual(refused);
    expect(await send(question, {}, true)).toMatchObject({ status: 200, json: { bytes: question.length } });
    // A small gzip that inflates past the limit.
    expect(await send(zlib.gzipSync(Buffer.alloc(100 * LIMIT, 0x20)), { 'content-encoding': 'gzip' })).toEqual(refused);
    expect(await send(question)).toMatchObject({ status: 200 });
    expect(sockets).toBe(1);
  });

  it('refuses an encoding it cannot undo with 415, and a body that does not decompress with 400', async () => {
    const unsupported = await send(question, { 'content-encoding': 'compress' });
    expect(unsupported.status).toBe(415);
    expect(unsupported.json.error.code).toBe('encoding_unsupported');
    expect(unsupported.json.error.message).toContain('compress');
    const broken = await send(Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' });
    expect(broken.status).toBe(400);
    expect(broken.json.error.code).toBe('invalid_body');
    expect(await send(question)).toMatchObject({ status: 200 });
  });

  it('hands over an empty body as it is', async () => {
    const res = await send(Buffer.alloc(0));
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('invalid_json');
  });
});
