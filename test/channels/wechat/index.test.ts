import fs from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';
import { XMLParser } from 'fast-xml-parser';
import request from 'supertest';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WechatCipher, wechatSignature } from '../../../src/channels/wechat/crypto.js';
import { WECHAT_BODY_LIMIT } from '../../../src/channels/wechat/index.js';
import {
  cdata,
  fitContent,
  textReplyXml,
  truncateUtf8,
  WECHAT_CONTENT_LIMIT,
} from '../../../src/channels/wechat/reply.js';
import type { WechatSettings } from '../../../src/channels/wechat/settings.js';
import { parseWechatXml, WECHAT_XML_OPTIONS } from '../../../src/channels/wechat/xml.js';
import { PROJECT_ROOT } from '../../../src/config.js';
import { APOLOGY, MAX_QUESTION_LENGTH } from '../../../src/conversation/turns.js';
import { expectJsonError, makeReply, useChannelEnv, useRealServer } from '../../support/channels.js';

const TOKEN = 'articleBotToken42';
const APP_ID = 'wx49f0ab532d5d035a';
const AES_KEY = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';
const PLAIN: WechatSettings = { token: TOKEN, appId: null, encodingAesKey: null };
const SAFE: WechatSettings = { token: TOKEN, appId: APP_ID, encodingAesKey: AES_KEY };

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const fixture = (name: string) => fs.readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'wechat', name), 'utf8');

/** A fixture with some elements replaced, so one realistic payload serves many questions. */
function message(name: string, fields: Record<string, string> = {}): string {
  let xml = fixture(name);
  for (const [element, value] of Object.entries(fields)) {
    const pattern = new RegExp(`<${element}>[\\s\\S]*?</${element}>`);
    expect(xml, `${name} has no <${element}>`).toMatch(pattern);
    xml = xml.replace(pattern, `<${element}>${/^\d+$/.test(value) ? value : cdata(value)}</${element}>`);
  }
  return xml;
}

let msgIds = 24553480000000000n;
const nextMsgId = () => String(++msgIds);
let users = 0;
const newUser = () => `oUpF8uTest${process.pid}x${++users}`;

const env = useChannelEnv('wechat-test-');
let plainApp: Express;
let safeApp: Express;

beforeAll(() => {
  plainApp = env.app({ wechat: PLAIN });
  safeApp = env.app({ wechat: SAFE });
});

beforeEach(() => {
  env.counting.failing = false;
});

function signedQuery(extra: Record<string, string> = {}, token = TOKEN): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(Math.floor(Math.random() * 1e9));
  return {
    signature: wechatSignature(token, timestamp, nonce),
    timestamp,
    nonce,
    openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
    ...extra,
  };
}

const post = (app: Express, xml: string, query: Record<string, string> = signedQuery(), type = 'text/xml') =>
  request(app).post('/api/wechat').query(query).set('Content-Type', type).send(xml);

/** The fields of a passive reply, checking it is a well-formed text reply. */
function replyFields(res: { status: number; headers: Record<string, string>; text: string }): Record<string, string> {
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/xml/);
  const fields = parseWechatXml(Buffer.from(res.text)) as Record<string, string>;
  expect(fields.MsgType).toBe('text');
  expect(fields.CreateTime).toMatch(/^\d{10}$/);
  expect(Math.abs(Number(fields.CreateTime) - Date.now() / 1000)).toBeLessThan(60);
  return fields;
}

/** Builds a safe-mode request the way WeChat does: the message encrypted into an envelope, signed twice. */
function encryptedRequest(innerXml: string, cipher = new WechatCipher(AES_KEY, APP_ID)) {
  const encrypt = cipher.encrypt(innerXml);
  const query = signedQuery({ encrypt_type: 'aes' });
  query.msg_signature = wechatSignature(TOKEN, query.timestamp!, query.nonce!, encrypt);
  return { query, body: fixture('safe-mode-envelope.xml').replace('{{Encrypt}}', encrypt) };
}

/** Opens an encrypted reply: checks its signature and nonce, decrypts, and returns the inner reply's fields. */
function openEncryptedReply(text: string, requestNonce: string): Record<string, string> {
  const envelope = parseWechatXml(Buffer.from(text)) as Record<string, string>;
  expect(Object.keys(envelope).sort()).toEqual(['Encrypt', 'MsgSignature', 'Nonce', 'TimeStamp']);
  expect(envelope.Nonce).toBe(requestNonce);
  expect(envelope.MsgSignature).toBe(wechatSignature(TOKEN, envelope.TimeStamp!, envelope.Nonce!, envelope.Encrypt!));
  const innerXml = new WechatCipher(AES_KEY, APP_ID).decrypt(envelope.Encrypt!);
  return parseWechatXml(Buffer.from(innerXml)) as Record<string, string>;
}

describe('GET /api/wechat: the server check', () => {
  it('echoes echostr as plain text when the signature is right (official vector)', async () => {
    const app = env.app({ wechat: { token: 'AAAAA', appId: null, encodingAesKey: null } });
    const res = await request(app).get('/api/wechat').query({
      signature: 'f464b24fc39322e44b38aa78f5edd27bd1441696',
      timestamp: '1714036504',
      nonce: '1514711492',
      echostr: '7336512985367208843',
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toBe('7336512985367208843');
  });

  it('refuses a wrong signature with 401 and does not echo', async () => {
    const query = signedQuery({ echostr: 'echo-me' });
    query.signature = wechatSignature('wrongToken', query.timestamp!, query.nonce!);
    const res = await request(plainApp).get('/api/wechat').query(query);
    expectJsonError(res, 401, 'invalid_signature');
    expect(res.text).not.toContain('echo-me');
  });

  it('refuses a check without signature (401) or without echostr (400)', async () => {
    const { signature: _omit, ...unsigned } = signedQuery({ echostr: 'x' });
    expectJsonError(await request(plainApp).get('/api/wechat').query(unsigned), 401, 'invalid_signature');
    expectJsonError(await request(plainApp).get('/api/wechat').query(signedQuery()), 400, 'invalid_request');
  });
});

describe('POST /api/wechat: plaintext mode', () => {
  it('answers a text message with a passive reply, To and From swapped', async () => {
    const res = await post(plainApp, fixture('text.xml'));
    const fields = replyFields(res);
    expect(fields.ToUserName).toBe('oUpF8uMuAJO_M2pxb1Q9zNjWeS6o');
    expect(fields.FromUserName).toBe('gh_3a8c5f2e71d4');
    expect(fields.Content).toContain('300 million');
    expect(fields.Content).toContain('paragraph 2');
    expect(Object.keys(fields).sort()).toEqual(['Content', 'CreateTime', 'FromUserName', 'MsgType', 'ToUserName']);
  });

  it("answers a follow-up in the sender's conversation", async () => {
    const user = newUser();
    const first = replyFields(await post(plainApp, message('text.xml', { FromUserName: user, MsgId: nextMsgId() })));
    expect(first.Content).toContain('300 million');
    const followUp = message('text.xml', { FromUserName: user, MsgId: nextMsgId(), Content: 'And WeChat?' });
    const second = replyFields(await post(plainApp, followUp));
    expect(second.Content).toContain('500 million');
    expect(env.counting.turns.get(`wechat:${user}`)).toBe(2);

    // Someone else asking the same follow-up has no context to follow.
    const stranger = replyFields(
      await post(
        plainApp,
        message('text.xml', { FromUserName: newUser(), MsgId: nextMsgId(), Content: 'And WeChat?' }),
      ),
    );
    expect(stranger.Content).not.toContain('500 million');
  });

  it('answers a retried message (same MsgId) with the same XML and advances the conversation once', async () => {
    const user = newUser();
    const xml = message('text.xml', { FromUserName: user, MsgId: nextMsgId() });
    const [a, b] = await Promise.all([post(plainApp, xml), post(plainApp, xml)]);
    const c = await post(plainApp, xml);
    expect(replyFields(a).Content).toContain('300 million');
    expect(b.text).toBe(a.text);
    expect(c.text).toBe(a.text);
    expect(env.counting.turns.get(`wechat:${user}`)).toBe(1);
  });

  it('answers the recognised text of a voice message', async () => {
    const fields = replyFields(await post(plainApp, message('voice.xml', { FromUserName: newUser() })));
    expect(fields.Content).toContain('500 million');
  });

  it.each(['image.xml', 'location.xml'])('answers %s with a short note that only text is read', async (name) => {
    const before = env.counting.total;
    const fields = replyFields(await post(plainApp, message(name, { FromUserName: newUser() })));
    expect(fields.Content).toMatch(/only read text/);
    expect(fields.Content).toMatch(/For example: "[^"]+\?"/);
    expect(env.counting.total).toBe(before);
  });

  it('welcomes a new follower', async () => {
    const fields = replyFields(await post(plainApp, message('subscribe.xml', { FromUserName: newUser() })));
    // In Chinese first, as most followers of an Official Account read it, then in English.
    expect(fields.Content.startsWith(env.bot.engine.welcome('zh').text)).toBe(true);
    expect(fields.Content).toContain(env.bot.engine.welcome().text);
    expect(fields.Content).toContain(`你可以问：${env.bot.engine.welcome('zh').suggestions.join(' | ')}`);
    expect(fields.ToUserName).toMatch(/^oUpF8uTest/);
  });

  it('welcomes an empty text message and asks for a shorter question when one is too long', async () => {
    const before = env.counting.total;
    const empty = replyFields(
      await post(plainApp, message('text.xml', { FromUserName: newUser(), MsgId: nextMsgId(), Content: ' ' })),
    );
    expect(empty.Content).toContain(env.bot.engine.welcome().text);
    const long = message('text.xml', {
      FromUserName: newUser(),
      MsgId: nextMsgId(),
      Content: 'LinkedIn? '.repeat(201),
    });
    const tooLong = replyFields(await post(plainApp, long)).Content!;
    expect(tooLong).toMatch(/too long/);
    expect(tooLong).toContain(`more than ${MAX_QUESTION_LENGTH} characters`);
    expect(tooLong).toContain(`You could ask: ${env.bot.engine.welcome().suggestions.join(' | ')}`);
    expect(env.counting.total).toBe(before);
  });

  it('leaves the conversation as it was after a question that is too long', async () => {
    const user = newUser();
    expect(
      replyFields(await post(plainApp, message('text.xml', { FromUserName: user, MsgId: nextMsgId() }))).Content,
    ).toContain('300 million');
    const long = message('text.xml', { FromUserName: user, MsgId: nextMsgId(), Content: 'LinkedIn? '.repeat(201) });
    expect(replyFields(await post(plainApp, long)).Content).toMatch(/too long/);
    expect(env.counting.turns.get(`wechat:${user}`)).toBe(1);
    // Not a turn: "And WeChat?" still follows the LinkedIn question.
    const followUp = message('text.xml', { FromUserName: user, MsgId: nextMsgId(), Content: 'And WeChat?' });
    expect(replyFields(await post(plainApp, followUp)).Content).toContain('500 million');
  });

  it('does not reply to other events', async () => {
    const res = await post(plainApp, fixture('unsubscribe.xml'));
    expect(res.status).toBe(200);
    expect(res.text).toBe('success');
  });

  it('refuses a forged or missing signature with 401 and answers nothing', async () => {
    const before = env.counting.total;
    const forged = signedQuery();
    forged.signature = wechatSignature('someoneElse', forged.timestamp!, forged.nonce!);
    expectJsonError(
      await post(plainApp, message('text.xml', { MsgId: nextMsgId() }), forged),
      401,
      'invalid_signature',
    );
    const { signature: _omit, ...unsigned } = signedQuery();
    expectJsonError(
      await post(plainApp, message('text.xml', { MsgId: nextMsgId() }), unsigned),
      401,
      'invalid_signature',
    );
    // A signature for other parameters than the ones sent.
    const replayed = { ...signedQuery(), nonce: '1' };
    expectJsonError(
      await post(plainApp, message('text.xml', { MsgId: nextMsgId() }), replayed),
      401,
      'invalid_signature',
    );
    expect(env.counting.total).toBe(before);
  });

  it('apologises when answering fails, and lets the retry try again', async () => {
    env.counting.failing = true;
    const user = newUser();
    const xml = message('text.xml', { FromUserName: user, MsgId: nextMsgId() });
    const fields = replyFields(await post(plainApp, xml));
    expect(fields.Content).toMatch(/went wrong/);
    expect(fields.Content).toBe(APOLOGY);
    expect(env.logs.entries('wechat: answering failed').some((l) => l.error === 'disk full')).toBe(true);
    env.counting.failing = false;
    expect(replyFields(await post(plainApp, xml)).Content).toContain('300 million');
    expect(env.counting.turns.get(`wechat:${user}`)).toBe(2);
  });
});

describe('POST /api/wechat: safe mode (AES)', () => {
  it('decrypts the message and answers encrypted, signed with msg_signature', async () => {
    const { query, body } = encryptedRequest(message('text.xml', { MsgId: nextMsgId() }));
    const res = await post(safeApp, body, query);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('300 million');
    const fields = openEncryptedReply(res.text, query.nonce!);
    expect(fields.ToUserName).toBe('oUpF8uMuAJO_M2pxb1Q9zNjWeS6o');
    expect(fields.FromUserName).toBe('gh_3a8c5f2e71d4');
    expect(fields.MsgType).toBe('text');
    expect(fields.Content).toContain('300 million');
  });

  it('keeps the conversation across encrypted messages and answers a retry once', async () => {
    const user = newUser();
    const first = encryptedRequest(message('text.xml', { FromUserName: user, MsgId: nextMsgId() }));
    expect(
      openEncryptedReply((await post(safeApp, first.body, first.query)).text, first.query.nonce!).Content,
    ).toContain('300 million');
    const followUp = message('text.xml', { FromUserName: user, MsgId: nextMsgId(), Content: 'And WeChat?' });
    const second = encryptedRequest(followUp);
    const replyA = openEncryptedReply((await post(safeApp, second.body, second.query)).text, second.query.nonce!);
    expect(replyA.Content).toContain('500 million');
    // WeChat's retry is encrypted afresh with a new nonce; the reply inside is the same.
    const retry = encryptedRequest(followUp);
    const replyB = openEncryptedReply((await post(safeApp, retry.body, retry.query)).text, retry.query.nonce!);
    expect(replyB).toEqual(replyA);
    expect(env.counting.turns.get(`wechat:${user}`)).toBe(2);
  });

  it('still answers messages sent without encryption, in plaintext', async () => {
    expect(replyFields(await post(safeApp, message('text.xml', { MsgId: nextMsgId() }))).Content).toContain(
      '300 million',
    );
  });

  it('refuses a wrong msg_signature with 401, even when the signature is right', async () => {
    const before = env.counting.total;
    const { query, body } = encryptedRequest(message('text.xml', { MsgId: nextMsgId() }));
    query.msg_signature = wechatSignature(TOKEN, query.timestamp!, query.nonce!, 'something else');
    expectJsonError(await post(safeApp, body, query), 401, 'invalid_signature');
    delete query.msg_signature;
    expectJsonError(await post(safeApp, body, query), 401, 'invalid_signature');
    expect(env.counting.total).toBe(before);
  });

  it('refuses a message encrypted for another app id or with another key (400)', async () => {
    for (const cipher of [new WechatCipher(AES_KEY, 'wx1111111111111111'), new WechatCipher('b'.repeat(43), APP_ID)]) {
      const { query, body } = encryptedRequest(message('text.xml', { MsgId: nextMsgId() }), cipher);
      expectJsonError(await post(safeApp, body, query), 400, 'invalid_encrypted_message');
    }
  });

  it('refuses an encrypted message when safe mode is not configured, saying what to set', async () => {
    const { query, body } = encryptedRequest(message('text.xml', { MsgId: nextMsgId() }));
    expectJsonError(await post(plainApp, body, query), 400, 'encryption_not_configured');
    expect(env.logs.text()).toContain('WECHAT_ENCODING_AES_KEY');
  });

  it('answers compatible mode (plaintext beside <Encrypt>) in plaintext when no key is configured', async () => {
    const { query, body } = encryptedRequest(message('text.xml', { MsgId: nextMsgId() }));
    const compatible = fixture('text.xml').replace('</xml>', `${body.match(/<Encrypt>.*<\/Encrypt>/)![0]}</xml>`);
    expect(replyFields(await post(plainApp, compatible, query)).Content).toContain('300 million');
  });

  it('refuses an encrypt_type=aes request without <Encrypt> (400)', async () => {
    const query = signedQuery({ encrypt_type: 'aes' });
    query.msg_signature = wechatSignature(TOKEN, query.timestamp!, query.nonce!, '');
    expectJsonError(await post(safeApp, fixture('text.xml'), query), 400, 'invalid_message');
  });
});

describe('POST /api/wechat: hostile and broken bodies', () => {
  it.each(['xxe.xml', 'billion-laughs.xml'])('refuses %s with 400 without expanding anything', async (name) => {
    const before = env.counting.total;
    const res = await post(plainApp, fixture(name));
    expectJsonError(res, 400, 'invalid_xml');
    expect(res.text).not.toMatch(/lollol|root:/);
    expect(env.counting.total).toBe(before);
  });

  it('refuses a DOCTYPE inside an encrypted message too', async () => {
    const { query, body } = encryptedRequest(fixture('billion-laughs.xml'));
    expectJsonError(await post(safeApp, body, query), 400, 'invalid_xml');
  });

  it('has a parser that leaves entities unexpanded even without the DOCTYPE check', () => {
    const parsed = new XMLParser(WECHAT_XML_OPTIONS).parse(fixture('billion-laughs.xml'), true);
    expect(parsed.xml.Content).toBe('&lol9;');
    expect(() => new XMLParser(WECHAT_XML_OPTIONS).parse(fixture('xxe.xml'), true)).toThrow();
  });

  it.each([
    ['not XML', 'How many members does LinkedIn have?', 'invalid_xml'],
    ['unclosed XML', '<xml><ToUserName><![CDATA[gh_1]]></ToUserName>', 'invalid_xml'],
    ['another root', '<message><Content>hi</Content></message>', 'invalid_message'],
    ['an empty body', '', 'invalid_xml'],
    ['a prototype-polluting tag', '<xml><__proto__><a>1</a></__proto__></xml>', 'invalid_xml'],
    ['deep nesting', `<xml>${'<a>'.repeat(50)}x${'</a>'.repeat(50)}</xml>`, 'invalid_xml'],
  ])('refuses %s with 400', async (_name, body, code) => {
    expectJsonError(await post(plainApp, body), 400, code);
  });

  it.each(['FromUserName', 'MsgType'])('refuses a message without %s with 400 naming it', async (element) => {
    const xml = fixture('text.xml').replace(new RegExp(`<${element}>.*</${element}>`), '');
    const res = await post(plainApp, xml);
    expectJsonError(res, 400, 'invalid_message');
    expect(JSON.parse(res.text).error.message).toContain(element);
  });

  it('refuses a repeated element with 400', async () => {
    const xml = fixture('text.xml').replace('<MsgId>', '<Content>again</Content><MsgId>');
    expectJsonError(await post(plainApp, xml), 400, 'invalid_message');
  });

  it('refuses a body that is not UTF-8 with 400', async () => {
    const res = await request(plainApp)
      .post('/api/wechat')
      .query(signedQuery())
      .set('Content-Type', 'text/xml')
      .send(Buffer.from([0x3c, 0x78, 0x6d, 0x6c, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x78, 0x6d, 0x6c, 0x3e]));
    expectJsonError(res, 400, 'invalid_xml');
  });

  it('refuses a body over the limit with 413 and a non-XML content type with 415', async () => {
    const huge = message('text.xml', { Content: 'x'.repeat(WECHAT_BODY_LIMIT) });
    expectJsonError(await post(plainApp, huge), 413, 'payload_too_large');
    expectJsonError(
      await post(plainApp, '{"text":"hi"}', signedQuery(), 'application/json'),
      415,
      'unsupported_media_type',
    );
  });

  it('refuses an unknown encrypt_type with 400 and other methods with 405', async () => {
    expectJsonError(
      await post(plainApp, fixture('text.xml'), signedQuery({ encrypt_type: 'rot13' })),
      400,
      'invalid_request',
    );
    const res = await request(plainApp).put('/api/wechat').send('x');
    expectJsonError(res, 405, 'method_not_allowed');
    expect(res.headers.allow).toBe('GET, POST');
  });

  it('is not mounted without WECHAT_TOKEN: 404', async () => {
    const app = env.app();
    expectJsonError(await post(app, fixture('text.xml')), 404, 'not_found');
    expectJsonError(
      await request(app)
        .get('/api/wechat')
        .query(signedQuery({ echostr: 'x' })),
      404,
      'not_found',
    );
  });
});

describe('reply text', () => {
  const reply = (text: string, suggestions: string[] = []) => makeReply({ text, suggestions });

  it('keeps "]]>" in the content intact through CDATA', () => {
    const content = 'a]]>b ]]]]> <![CDATA[c]]>';
    const xml = textReplyXml({ toUserName: 'gh_1', fromUserName: 'o]]>user' }, content, 1715325467);
    const fields = parseWechatXml(Buffer.from(xml));
    expect(fields.Content).toBe(content);
    expect(fields.ToUserName).toBe('o]]>user');
  });

  it('adds the suggestions, but not to a fallback that already lists them', () => {
    expect(fitContent(reply('Answer (paragraph 2).', ['Who is He Miao?']))).toBe(
      'Answer (paragraph 2).\n\nYou could ask: Who is He Miao?',
    );
    const fallback = reply('Sorry, the article does not say that. You could ask: "Who is He Miao?"', [
      'Who is He Miao?',
    ]);
    expect(fitContent(fallback)).toBe(fallback.text);
  });

  it(`fits WeChat's ${WECHAT_CONTENT_LIMIT}-byte limit: suggestions go first, then the text is cut at a sentence`, () => {
    const sentence = 'LinkedIn has more than 300 million members globally (paragraph 2). ';
    const text = sentence.repeat(29).trim();
    expect(bytes(text)).toBeLessThan(WECHAT_CONTENT_LIMIT);
    expect(fitContent(reply(text, ['Who is He Miao?'.repeat(10)]))).toBe(text);

    const long = sentence.repeat(60).trim();
    const fitted = fitContent(reply(long));
    expect(bytes(fitted)).toBeLessThanOrEqual(WECHAT_CONTENT_LIMIT);
    expect(fitted.endsWith('(paragraph 2). …')).toBe(true);
    expect(long.startsWith(fitted.slice(0, -2))).toBe(true);
    expect(bytes(fitted)).toBeGreaterThan(WECHAT_CONTENT_LIMIT - bytes(sentence) - 4);
  });

  it('never splits a multi-byte character and never exceeds the limit', () => {
    for (const unit of ['领英', '🙂', 'ab ', 'é']) {
      for (const limit of [10, 11, 12, 13, 2048]) {
        const cut = truncateUtf8(unit.repeat(3000), limit);
        expect(bytes(cut)).toBeLessThanOrEqual(limit);
        expect(cut).not.toContain('\uFFFD');
        expect(cut.endsWith('…')).toBe(true);
        expect(Buffer.from(cut, 'utf8').toString('utf8')).toBe(cut);
      }
    }
    expect(truncateUtf8('short', 2048)).toBe('short');
  });

  it('leaves real answers whole: every quote answer fits', async () => {
    for (const question of [
      'What did He Miao say?',
      'What did Derek Shen say?',
      'What did Jin Xiaolei say?',
      'What is the article about?',
    ]) {
      const answer = env.bot.engine.respond(question).reply;
      const content = fitContent(answer);
      expect(bytes(content)).toBeLessThanOrEqual(WECHAT_CONTENT_LIMIT);
      expect(content.startsWith(answer.text)).toBe(true);
    }
  });
});

describe('POST /api/wechat: questions in Chinese', () => {
  it('answers a Chinese question in Chinese, in plaintext and in safe mode, and keeps the conversation', async () => {
    const user = newUser();
    const plain = replyFields(
      await post(plainApp, message('text.xml', { FromUserName: user, MsgId: nextMsgId(), Content: '微信用户有多少' })),
    );
    expect(plain.Content).toContain('微信在中国拥有超过5亿用户（第4段）');
    const { query, body } = encryptedRequest(
      message('text.xml', { FromUserName: user, MsgId: nextMsgId(), Content: '那天际网呢？' }),
    );
    const safe = openEncryptedReply((await post(safeApp, body, query)).text, query.nonce!);
    expect(safe.Content).toContain('总部位于北京的平台天际网拥有超过1800万用户（第13段）');
    expect(safe.Content).not.toMatch(/Sorry|paragraph/);
  });

  it('fits a long Chinese answer in 2,048 bytes of UTF-8, cut between characters', () => {
    const answer = env.bot.engine.respond('Derek Shen说了什么').reply;
    expect(answer.lang).toBe('zh');
    const long = { ...answer, text: answer.text.repeat(3) };
    expect(bytes(long.text)).toBeGreaterThan(WECHAT_CONTENT_LIMIT);
    const content = fitContent(long);
    expect(bytes(content)).toBeLessThanOrEqual(WECHAT_CONTENT_LIMIT);
    expect(long.text.startsWith(content.replace(/ ?…$/, ''))).toBe(true);
    expect(Buffer.from(content, 'utf8').toString('utf8')).toBe(content);
  });

  it('lists the suggestions under a Chinese heading', () => {
    const reply = makeReply({ lang: 'zh', text: '答案（第2段）。', suggestions: ['He Miao是谁？'] });
    expect(fitContent(reply)).toBe('答案（第2段）。\n\n你可以问：He Miao是谁？');
  });
});

describe('the real server (npm start) with WECHAT_TOKEN, WECHAT_APP_ID and WECHAT_ENCODING_AES_KEY', () => {
  const real = useRealServer('wechat-server-', () => ({
    WECHAT_TOKEN: TOKEN,
    WECHAT_APP_ID: APP_ID,
    WECHAT_ENCODING_AES_KEY: AES_KEY,
  }));

  const send = (body: string, query: Record<string, string>) =>
    fetch(`${real.server.url}/api/wechat?${new URLSearchParams(query)}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body,
    });

  it('passes the server check, answers plaintext and encrypted messages, and keeps each conversation', async () => {
    const check = signedQuery({ echostr: '5927782489442352469' });
    const echo = await fetch(`${real.server.url}/api/wechat?${new URLSearchParams(check)}`);
    expect(echo.status).toBe(200);
    expect(await echo.text()).toBe('5927782489442352469');

    const plainUser = newUser();
    const q1 = await send(message('text.xml', { FromUserName: plainUser, MsgId: nextMsgId() }), signedQuery());
    expect(q1.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(parseWechatXml(Buffer.from(await q1.text())).Content).toContain('300 million');
    const q2 = await send(
      message('text.xml', { FromUserName: plainUser, MsgId: nextMsgId(), Content: 'And WeChat?' }),
      signedQuery(),
    );
    expect(parseWechatXml(Buffer.from(await q2.text())).Content).toContain('500 million');

    const safeUser = newUser();
    const e1 = encryptedRequest(
      message('text.xml', { FromUserName: safeUser, MsgId: nextMsgId(), Content: 'Who is He Miao?' }),
    );
    const r1 = openEncryptedReply(await (await send(e1.body, e1.query)).text(), e1.query.nonce!);
    expect(r1.ToUserName).toBe(safeUser);
    expect(r1.Content).toContain('Tianji');
    const e2 = encryptedRequest(
      message('text.xml', { FromUserName: safeUser, MsgId: nextMsgId(), Content: 'What did she say?' }),
    );
    const r2 = openEncryptedReply(await (await send(e2.body, e2.query)).text(), e2.query.nonce!);
    expect(r2.Content).toContain('People in the West are more open');

    const chineseUser = newUser();
    const c1 = await send(
      message('text.xml', { FromUserName: chineseUser, MsgId: nextMsgId(), Content: '天际网成立于哪一年' }),
      signedQuery(),
    );
    expect(parseWechatXml(Buffer.from(await c1.text())).Content).toContain('天际网成立于2005年（第13段）');
    const e3 = encryptedRequest(
      message('text.xml', { FromUserName: chineseUser, MsgId: nextMsgId(), Content: '它有多少用户？' }),
    );
    const r3 = openEncryptedReply(await (await send(e3.body, e3.query)).text(), e3.query.nonce!);
    expect(r3.Content).toContain('超过1800万用户');

    const forged = await send(message('text.xml', { MsgId: nextMsgId() }), {
      ...signedQuery(),
      signature: '0'.repeat(40),
    });
    expect(forged.status).toBe(401);
    expect(real.server.logs()).not.toContain(AES_KEY);
    expect(real.server.logs()).not.toContain(TOKEN);
  });
});
