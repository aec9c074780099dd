import fs from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../src/config.js';
import { readStateFile, useChannelEnv } from '../../support/channels.js';

// Written out rather than imported from src, so a change to the policy has to change this test too.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const PAGE_DIR = path.join(PROJECT_ROOT, 'src', 'channels', 'web', 'page');
const INDEX_HTML = fs.readFileSync(path.join(PAGE_DIR, 'index.html'), 'utf8');
const CHAT_JS = fs.readFileSync(path.join(PAGE_DIR, 'chat.js'), 'utf8');

const env = useChannelEnv('web-test-');
let app: Express;

beforeAll(() => {
  app = env.app();
});

function expectPageHeaders(headers: Record<string, string>): void {
  expect(headers['content-security-policy']).toBe(CSP);
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['cache-control']).toBe('no-cache');
  // no-cache means "revalidate", which needs a validator to be cheap.
  expect(headers['last-modified'] ?? headers.etag).toBeDefined();
  expect(headers['x-powered-by']).toBeUndefined();
}

/** The src or href of every element that loads something, except data: URLs. */
function referencedAssets(html: string): string[] {
  const urls = [...html.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"/gi)].map((m) => m[1]!);
  return urls.filter((url) => !url.startsWith('data:'));
}

describe('GET /: the web chat page', () => {
  it('serves index.html as UTF-8 HTML with the security headers', async () => {
    const res = await request(app).get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expectPageHeaders(res.headers);
    expect(res.text).toBe(INDEX_HTML);
  });

  it('answers HEAD / with the same headers and no body', async () => {
    const res = await request(app).head('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expectPageHeaders(res.headers);
    expect(res.text ?? '').toBe('');
  });

  it('answers a conditional request for an unchanged page with 304', async () => {
    const first = await request(app).get('/');
    const res = await request(app).get('/').set('If-Modified-Since', first.headers['last-modified']!);
    expect(res.status).toBe(304);
  });

  it.each([
    ['/chat.js', 'text/javascript; charset=utf-8', CHAT_JS],
    ['/chat.css', 'text/css; charset=utf-8', fs.readFileSync(path.join(PAGE_DIR, 'chat.css'), 'utf8')],
  ])('serves %s as %s with the security headers', async (url, type, content) => {
    const res = await request(app).get(url);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expectPageHeaders(res.headers);
    expect(res.text).toBe(content);
  });

  it('serves every script and stylesheet index.html refers to, with a type that nosniff accepts', async () => {
    const assets = referencedAssets(INDEX_HTML);
    expect(assets.sort()).toEqual(['chat.css', 'chat.js']);
    for (const asset of assets) {
      const res = await request(app).get(new URL(asset, 'http://bot.test/').pathname);
      expect(res.status, asset).toBe(200);
      expect(res.headers['content-type'], asset).toMatch(asset.endsWith('.js') ? /^text\/javascript;/ : /^text\/css;/);
    }
  });

  it.each([
    ['/nope'],
    ['/chat.ts'],
    ['/index.html'],
    ['/web/chat.js'],
    ['/%2e%2e/web.ts'],
    ['/chat.js/..%2f..%2fweb.ts'],
  ])('leaves %s to the JSON 404', async (url) => {
    const res = await request(app).get(url);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.error.code).toBe('not_found');
  });

  it('answers POST / with the JSON 404, not the page', async () => {
    const res = await request(app).post('/').send({ text: 'hi' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('index.html: what the CSP and accessibility need', () => {
  it('has no inline script: every <script> loads a file and has an empty body', () => {
    const scripts = [...INDEX_HTML.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="[^"]+"/);
      expect(attributes).toMatch(/\btype="module"/);
      expect(body!.trim()).toBe('');
    }
    expect(INDEX_HTML.match(/<script\b/gi)?.length).toBe(scripts.length);
  });

  it('has no inline styles, event handler attributes or javascript: URLs', () => {
    expect(INDEX_HTML).not.toMatch(/<style\b/i);
    expect(INDEX_HTML).not.toMatch(/\sstyle\s*=/i);
    expect(INDEX_HTML).not.toMatch(/\son[a-z]+\s*=/i);
    expect(INDEX_HTML).not.toMatch(/javascript:/i);
  });

  it('has a form with a labelled input and a send button, and the transcript as a polite log', () => {
    expect(INDEX_HTML).toMatch(/<html lang="en">/);
    expect(INDEX_HTML).toMatch(/<meta name="viewport" content="width=device-width, initial-scale=1">/);
    expect(INDEX_HTML).toMatch(/<form id="ask"[^>]*>/);
    expect(INDEX_HTML).toMatch(/<label for="question">[^<]+<\/label>/);
    expect(INDEX_HTML).toMatch(/<input id="question"[^>]*\bmaxlength="2000"/);
    expect(INDEX_HTML).toMatch(/<button type="submit">Send<\/button>/);
    expect(INDEX_HTML).toMatch(/<div id="transcript"[^>]*\brole="log"[^>]*\baria-live="polite"/);
  });
});

describe('chat.js: bot text is never parsed as HTML', () => {
  it('uses no HTML-parsing DOM API', () => {
    for (const api of [
      'innerHTML',
      'outerHTML',
      'insertAdjacentHTML',
      'document.write',
      'createContextualFragment',
      'DOMParser',
      'eval(',
      'new Function',
    ]) {
      expect(CHAT_JS, api).not.toContain(api);
    }
  });
});

describe('POST /api/chat: the page asks here, not on the webhook', () => {
  it('keeps answering the page when WEBHOOK_SECRET protects /api/webhook', async () => {
    const signed = env.app({ webhook: { secret: 'a-webhook-secret-of-24-chars' } });
    const unsigned = await request(signed).post('/api/webhook').send({ text: 'Who is Derek Shen?' });
    expect(unsigned.status).toBe(401);
    const page = await request(signed)
      .post('/api/chat')
      .send({ text: 'How many users does WeChat have?', conversationId: 'page-1' });
    expect(page.status).toBe(200);
    expect(page.body.text).toContain('500 million');
    const followUp = await request(signed).post('/api/chat').send({ text: 'And LinkedIn?', conversationId: 'page-1' });
    expect(followUp.body.text).toContain('5 million');
    // Its conversations are its own: the webhook cannot name them.
    expect(readStateFile(env.stateFile).conversations['web:page-1']?.state.turns).toBe(2);
  });

  it('refuses what the webhook refuses: not JSON, no text, other methods', async () => {
    expect((await request(app).post('/api/chat').set('Content-Type', 'text/plain').send('hi')).status).toBe(415);
    expect((await request(app).post('/api/chat').send({})).status).toBe(400);
    expect((await request(app).get('/api/chat')).status).toBe(405);
  });
});
