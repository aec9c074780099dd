/**
 * WeChat cases, built whole because the signature is over query parameters and safe mode encrypts the
 * message: the GET server check, plaintext messages, safe-mode envelopes and compatible mode, with message
 * XML that is valid, malformed, hostile (DOCTYPE, entities, deep nesting, huge) or not UTF-8.
 */
import { createCipheriv, createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { PROJECT_ROOT } from '../../src/config.js';
import { contentType, hostileString, hugeString, invalidUtf8, oneof, question } from './arbitraries.js';
import { authOf, type Draft, hex, ROUTE_PATHS, type RouteSpec, SECRETS, step, WECHAT_APP_ID } from './cases.js';

/** A WeChat signature: hex SHA-1 of the parts sorted and joined (as the channel computes it). */
export function wechatSign(...parts: string[]): string {
  const sorted = [...parts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha1').update(sorted.join('')).digest('hex');
}

/**
 * Safe mode's encryption, written out here so that the fuzzer controls every byte: the random prefix, the
 * length field (which may lie), the message (which may be invalid UTF-8) and the app id.
 */
function wechatEncrypt(
  message: Buffer,
  options: { prefix: Buffer; appId: string; lengthDelta: number; badPadding: boolean },
): string {
  const key = Buffer.from(`${SECRETS.wechatEncodingAesKey}=`, 'base64');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(Math.max(0, message.length + options.lengthDelta));
  const plain = Buffer.concat([options.prefix, length, message, Buffer.from(options.appId, 'utf8')]);
  const padLength = 32 - (plain.length % 32);
  const padded = Buffer.concat([plain, Buffer.alloc(padLength, options.badPadding ? 0 : padLength)]);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
}

/** `text` as CDATA, "]]>" split across sections; raw bytes pass through. */
function cdata(value: string | Buffer): Buffer {
  if (Buffer.isBuffer(value)) return Buffer.concat([Buffer.from('<![CDATA['), value, Buffer.from(']]>')]);
  return Buffer.from(`<![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`, 'utf8');
}

/** How one XML element is written: CDATA, plain text (escaped), repeated, nested, with attributes, or absent. */
function xmlElement(name: string, value: fc.Arbitrary<string | Buffer>): fc.Arbitrary<Buffer> {
  const open = Buffer.from(`<${name}>`);
  const close = Buffer.from(`</${name}>`);
  const wrap = (inner: Buffer) => Buffer.concat([open, inner, close]);
  const escaped = (v: string | Buffer) =>
    Buffer.isBuffer(v) ? v : Buffer.from(v.replace(/&/g, '&amp;').replace(/</g, '&lt;'), 'utf8');
  return oneof(
    { weight: 30, arbitrary: value.map((v) => wrap(cdata(v))) },
    { weight: 3, arbitrary: value.map((v) => wrap(escaped(v))) },
    { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
    { weight: 1, arbitrary: value.map((v) => Buffer.concat([wrap(cdata(v)), wrap(cdata(v))])) },
    { weight: 1, arbitrary: fc.constant(wrap(Buffer.from('<a>1</a><b><c>2</c></b>'))) },
    {
      weight: 1,
      arbitrary: value.map((v) => Buffer.concat([Buffer.from(`<${name} a="1" __proto__="x">`), cdata(v), close])),
    },
    { weight: 1, arbitrary: fc.constant(Buffer.from(`<${name}/>`)) },
  );
}

const wechatText = (): fc.Arbitrary<string | Buffer> =>
  oneof(
    { weight: 5, arbitrary: question() },
    { weight: 4, arbitrary: hostileString() },
    { weight: 1, arbitrary: hugeString() },
    {
      weight: 1,
      arbitrary: fc.tuple(question(), invalidUtf8()).map(([q, bad]) => Buffer.concat([Buffer.from(q), bad])),
    },
  );

/** The inner message XML (plaintext mode's body, or what safe mode encrypts). */
function wechatMessageXml(): fc.Arbitrary<{ kind: string; xml: Buffer }> {
  const msgType = oneof(
    { weight: 6, arbitrary: fc.constant('text') },
    { weight: 2, arbitrary: fc.constantFrom('event', 'voice', 'image', 'location', 'link', 'TEXT', 'Event') },
    { weight: 1, arbitrary: hostileString() },
  );
  const fields = fc.tuple(
    xmlElement('ToUserName', fc.constant('gh_fuzz')),
    xmlElement(
      'FromUserName',
      oneof(
        fc.nat({ max: 50 }).map((n) => `oFuzzUser${n}`),
        hostileString(),
      ),
    ),
    xmlElement('CreateTime', oneof(fc.nat().map(String), hostileString())),
    xmlElement('MsgType', msgType),
    xmlElement('Content', wechatText()),
    xmlElement('MsgId', oneof(fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String), hostileString())),
    oneof(
      { weight: 3, arbitrary: fc.constant(Buffer.alloc(0)) },
      {
        weight: 1,
        arbitrary: xmlElement(
          'Event',
          oneof(fc.constantFrom('subscribe', 'SUBSCRIBE', 'unsubscribe', 'CLICK', 'VIEW'), hostileString()),
        ),
      },
    ),
    oneof(
      { weight: 3, arbitrary: fc.constant(Buffer.alloc(0)) },
      { weight: 1, arbitrary: xmlElement('Recognition', wechatText()) },
    ),
    oneof(
      { weight: 4, arbitrary: fc.constant(Buffer.alloc(0)) },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(
            '<__proto__><polluted>yes</polluted></__proto__>',
            '<constructor><prototype><polluted>yes</polluted></prototype></constructor>',
            '<__proto__><ToUserName>x</ToUserName><FromUserName>y</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></__proto__>',
            '<prototype>1</prototype><hasOwnProperty>1</hasOwnProperty>',
            '<!-- a comment --><?pi x?>',
          )
          .map((t) => Buffer.from(t)),
      },
    ),
  );
  return fc.tuple(fields, fc.constantFrom('', '<?xml version="1.0" encoding="UTF-8"?>\n')).map(([parts, decl]) => ({
    kind: 'valid',
    xml: Buffer.concat([Buffer.from(`${decl}<xml>`), ...parts, Buffer.from('</xml>')]),
  }));
}

/** XML (and non-XML) that is not a message: malformed, DOCTYPE and entities, deep nesting, huge. */
function wechatJunkXml(): fc.Arbitrary<{ kind: string; xml: Buffer }> {
  const fixture = (name: string) => fs.readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'wechat', name));
  return oneof(
    fc.constantFrom('billion-laughs.xml', 'xxe.xml').map((name) => ({ kind: `junk:${name}`, xml: fixture(name) })),
    fc
      .constantFrom(
        '',
        '<xml>',
        '<xml></xml>',
        '<xml/>',
        '<xml><a></xml>',
        '</xml>',
        '<xml><![CDATA[',
        '<xml>text only</xml>',
        '<notxml><Content>x</Content></notxml>',
        '<xml><Content>a</Content></xml><xml><Content>b</Content></xml>',
        '<x:xml xmlns:x="urn:x"><x:Content>x</x:Content></x:xml>',
        '<xml><Content>&amp;&lt;&#0;&#xD800;&unknown;</Content></xml>',
        '<!DOCTYPE xml><xml/>',
        '<!doctype xml [<!entity a "b">]><xml>&a;</xml>',
        '{"xml":{"Content":"json"}}',
        '<?xml version="1.0" encoding="GBK"?><xml><Content>x</Content></xml>',
        '<xml>\u0000</xml>',
        '<xml><MsgType>text</MsgType><Content>x',
      )
      .map((t) => ({ kind: 'junk:malformed-xml', xml: Buffer.from(t, 'utf8') })),
    fc
      .constantFrom(9, 100, 5_000, 20_000)
      .map((n) => ({ kind: 'junk:deep-xml', xml: Buffer.from(`<xml>${'<a>'.repeat(n)}x${'</a>'.repeat(n)}</xml>`) })),
    fc
      .constantFrom(5_000, 20_000)
      .map((n) => ({ kind: 'junk:deep-xml-open', xml: Buffer.from(`<xml>${'<a>'.repeat(n)}`) })),
    fc.constantFrom(64 * 1024 - 200, 64 * 1024 + 1, 200_000).map((n) => ({
      kind: 'junk:huge-xml',
      xml: Buffer.from(`<xml><Content><![CDATA[${'a'.repeat(n)}]]></Content></xml>`),
    })),
    fc
      .constantFrom(2_000, 20_000)
      .map((n) => ({ kind: 'junk:many-elements', xml: Buffer.from(`<xml>${'<Content>x</Content>'.repeat(n)}</xml>`) })),
    fc.constantFrom(1_000, 10_000).map((n) => ({
      kind: 'junk:many-attributes',
      xml: Buffer.from(`<xml ${Array.from({ length: n }, (_, i) => `a${i}="1"`).join(' ')}></xml>`),
    })),
    fc.uint8Array({ maxLength: 300 }).map((a) => ({ kind: 'junk:random-bytes', xml: Buffer.from(a) })),
    fc.tuple(invalidUtf8(), fc.constantFrom('<xml><Content>', '<xml><', '')).map(([bad, head]) => ({
      kind: 'junk:invalid-utf8',
      xml: Buffer.concat([Buffer.from(head), bad, Buffer.from('</Content></xml>')]),
    })),
  );
}

/**
 * WeChat cases are built whole, because the signature is over query parameters and safe mode encrypts the
 * message: the GET server check, plaintext messages, safe-mode envelopes (valid, for another app id, not
 * decryptable, with a lying length field) and compatible mode (both copies).
 */
function wechatCustom(): fc.Arbitrary<Draft> {
  const timestamp = oneof(
    { weight: 6, arbitrary: fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }).map(String) },
    { weight: 1, arbitrary: hostileString() },
  );
  const nonce = oneof({ weight: 6, arbitrary: fc.nat().map(String) }, { weight: 1, arbitrary: hostileString() });
  const draft = (
    kind: string,
    method: string,
    query: [string, string | Buffer][],
    body: Buffer,
    type: string | undefined,
  ): Draft => ({
    kind: [kind],
    method,
    path: ROUTE_PATHS.wechat,
    query,
    headers: type === undefined ? {} : { 'content-type': type },
    body,
    chunked: false,
  });
  const type = contentType(['text/xml', 'application/xml', 'text/xml; charset=utf-8']);

  /** The query signature right, or forged: missing, wrong, repeated, or raw bytes. */
  const signature = oneof(
    {
      weight: 7,
      arbitrary: fc.constant<[string, (t: string, n: string) => [string, string | Buffer][]]>([
        'signed',
        (t, n) => [['signature', wechatSign(SECRETS.wechatToken, t, n)]],
      ]),
    },
    {
      weight: 1,
      arbitrary: fc.constant<[string, (t: string, n: string) => [string, string | Buffer][]]>([
        'signed-uppercase',
        (t, n) => [['signature', wechatSign(SECRETS.wechatToken, t, n).toUpperCase()]],
      ]),
    },
    {
      weight: 3,
      arbitrary: oneof(
        fc.constant<[string, (t: string, n: string) => [string, string | Buffer][]]>(['forged:missing', () => []]),
        hex(40).map<[string, (t: string, n: string) => [string, string | Buffer][]]>((h) => [
          'forged:random',
          () => [['signature', h]],
        ]),
        fc.constant<[string, (t: string, n: string) => [string, string | Buffer][]]>([
          'forged:repeated',
          (t, n) => [
            ['signature', wechatSign(SECRETS.wechatToken, t, n)],
            ['signature', wechatSign(SECRETS.wechatToken, t, n)],
          ],
        ]),
        fc.constant<[string, (t: string, n: string) => [string, string | Buffer][]]>([
          'forged:other-token',
          (t, n) => [['signature', wechatSign('otherToken', t, n)]],
        ]),
        invalidUtf8().map<[string, (t: string, n: string) => [string, string | Buffer][]]>((bad) => [
          'forged:invalid-utf8',
          () => [['signature', bad]],
        ]),
      ),
    },
  );

  const check = fc
    .tuple(
      timestamp,
      nonce,
      signature,
      oneof(
        { weight: 6, arbitrary: hostileString() },
        { weight: 1, arbitrary: fc.constantFrom('<script>alert(1)</script>', 'echo') },
        { weight: 1, arbitrary: hugeString() },
      ),
      fc.constantFrom('GET', 'GET', 'GET', 'HEAD'),
      fc.boolean(),
    )
    .map(([t, n, [kind, sig], echostr, method, dropOne]) => {
      const query: [string, string | Buffer][] = [...sig(t, n), ['timestamp', t], ['nonce', n], ['echostr', echostr]];
      if (dropOne) query.splice(1 + (t.length % 3), 1);
      return draft(`check ${kind}${dropOne ? ' missing-param' : ''}`, method, query, Buffer.alloc(0), undefined);
    });

  const inner = oneof({ weight: 5, arbitrary: wechatMessageXml() }, { weight: 2, arbitrary: wechatJunkXml() });
  const plaintext = fc
    .tuple(
      timestamp,
      nonce,
      signature,
      inner,
      type,
      fc.constantFrom<string | undefined>(undefined, undefined, undefined, 'raw', 'AES', 'des', ''),
    )
    .map(([t, n, [kind, sig], message, ct, encryptType]) => {
      const query: [string, string | Buffer][] = [...sig(t, n), ['timestamp', t], ['nonce', n]];
      if (encryptType !== undefined) query.push(['encrypt_type', encryptType]);
      return draft(
        `plaintext ${message.kind} ${kind}${encryptType === undefined ? '' : ` encrypt_type:${encryptType}`}`,
        'POST',
        query,
        message.xml,
        ct,
      );
    });

  const rightly = { appId: WECHAT_APP_ID, lengthDelta: 0, badPadding: false };
  const encryptionFlaw = oneof(
    { weight: 12, arbitrary: fc.constant({ kind: '', options: rightly }) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(1, 1000, -1)
        .map((d) => ({ kind: ' lying-length', options: { ...rightly, lengthDelta: d } })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('wxotherapp', '', `${WECHAT_APP_ID}x`)
        .map((a) => ({ kind: ' other-app-id', options: { ...rightly, appId: a } })),
    },
    { weight: 1, arbitrary: fc.constant({ kind: ' bad-padding', options: { ...rightly, badPadding: true } }) },
  );
  const encryptedValue = oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(inner, fc.uint8Array({ minLength: 16, maxLength: 16 }), encryptionFlaw)
        .map(([message, prefix, flaw]) => ({
          kind: `encrypted ${message.kind}${flaw.kind}`,
          encrypt: wechatEncrypt(message.xml, { prefix: Buffer.from(prefix), ...flaw.options }),
          plain: message.xml,
        })),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.base64String({ maxLength: 200 }),
          fc.constantFrom(
            '',
            '====',
            'not base64!',
            'AAAA',
            'A'.repeat(43),
            Buffer.alloc(48).toString('base64'),
            Buffer.alloc(20).toString('base64'),
          ),
          hostileString(),
        )
        .map((e) => ({ kind: 'encrypted junk', encrypt: e, plain: Buffer.alloc(0) })),
    },
  );
  const msgSignature = oneof(
    { weight: 7, arbitrary: fc.constant('valid') },
    { weight: 1, arbitrary: fc.constantFrom('missing', 'wrong', 'without-encrypt') },
  );
  const safe = fc
    .tuple(
      timestamp,
      nonce,
      signature,
      encryptedValue,
      msgSignature,
      type,
      fc.constantFrom('safe', 'safe', 'compatible'),
      fc.constantFrom('aes', 'aes', 'aes', 'AES'),
    )
    .map(([t, n, [kind, sig], value, msgSig, ct, mode, encryptType]) => {
      const query: [string, string | Buffer][] = [
        ...sig(t, n),
        ['timestamp', t],
        ['nonce', n],
        ['encrypt_type', encryptType],
      ];
      if (msgSig === 'valid') query.push(['msg_signature', wechatSign(SECRETS.wechatToken, t, n, value.encrypt)]);
      if (msgSig === 'wrong') query.push(['msg_signature', wechatSign(SECRETS.wechatToken, t, n, `${value.encrypt}x`)]);
      if (msgSig === 'without-encrypt') query.push(['msg_signature', wechatSign(SECRETS.wechatToken, t, n)]);
      // Compatible mode sends the plaintext fields beside <Encrypt>.
      const plainFields =
        mode === 'compatible'
          ? value.plain
              .toString('utf8')
              .replace(/^[\s\S]*?<xml>/, '')
              .replace(/<\/xml>\s*$/, '')
          : '';
      const body = Buffer.concat([
        Buffer.from(`<xml><ToUserName>${cdata('gh_fuzz')}</ToUserName>`),
        Buffer.from(plainFields, 'utf8'),
        Buffer.from('<Encrypt>'),
        cdata(value.encrypt),
        Buffer.from('</Encrypt></xml>'),
      ]);
      return draft(`${mode} ${value.kind} msg_signature:${msgSig} ${kind}`, 'POST', query, body, ct);
    });

  return oneof({ weight: 2, arbitrary: check }, { weight: 4, arbitrary: plaintext }, { weight: 4, arbitrary: safe });
}

/**
 * WeChat's route: the standard builder sends message XML and junk bodies with a fixed, correctly signed query
 * (or none); the custom one builds the real shapes, GET check and safe mode included.
 */
export function wechatSpec(): RouteSpec {
  const t = '1715325467';
  const n = '1514711492';
  return {
    route: 'wechat',
    method: 'POST',
    contentTypes: ['text/xml', 'application/xml'],
    payload: wechatMessageXml().map((m) => ({ kind: m.kind, body: m.xml })),
    auth: authOf(
      step('signed', (d) =>
        d.query.push(['signature', wechatSign(SECRETS.wechatToken, t, n)], ['timestamp', t], ['nonce', n]),
      ),
      fc.constant(step('forged:no-query', () => {})),
    ),
    custom: wechatCustom(),
  };
}
