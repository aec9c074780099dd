/**
 * Building blocks of the route fuzzers: JSON written byte by byte (so duplicate keys, "__proto__" members,
 * number literals JSON.stringify never writes and invalid UTF-8 inside strings all go out as generated),
 * hostile field values, junk bodies, and mutations of valid bodies.
 */
import { gzipSync } from 'node:zlib';
import fc, { type MaybeWeightedArbitrary, type OneOfValue } from 'fast-check';

/**
 * fc.oneof that, when shrinking, also tries the first alternative's values: list the simplest value (or the
 * absent one, `undefined`) first, so a counterexample shrinks to the fields that matter.
 */
export function oneof<Ts extends MaybeWeightedArbitrary<unknown>[]>(...arbitraries: Ts): fc.Arbitrary<OneOfValue<Ts>> {
  return fc.oneof({ withCrossShrink: true }, ...arbitraries);
}

/** A fragment written verbatim into the JSON text: number literals such as `1e400`, or broken syntax. */
export class RawJson {
  constructor(readonly bytes: Buffer) {}
  static of(text: string): RawJson {
    return new RawJson(Buffer.from(text, 'utf8'));
  }
}

/** An object written with exactly these members, in this order: duplicate keys and `__proto__` included. */
export class Members {
  constructor(readonly entries: readonly (readonly [string, unknown])[]) {}
}

/** A JSON string whose parts are escaped text and raw bytes (invalid UTF-8, raw surrogate halves) spliced in. */
export class RawString {
  constructor(readonly parts: readonly (string | Buffer)[]) {}
}

/**
 * The JSON text of `value` as bytes. Plain objects are written with their own enumerable keys (an own
 * `__proto__` key made by JSON.parse or defineProperty included); `undefined` members are left out, as
 * JSON.stringify does. Lone surrogates in ordinary strings come out as `\udXXX` escapes.
 */
export function jsonBytes(value: unknown): Buffer {
  const out: Buffer[] = [];
  write(value, out);
  return Buffer.concat(out);
}

function write(value: unknown, out: Buffer[]): void {
  if (value instanceof RawJson) {
    out.push(value.bytes);
  } else if (value instanceof RawString) {
    out.push(Buffer.from('"'));
    for (const part of value.parts)
      out.push(typeof part === 'string' ? Buffer.from(JSON.stringify(part).slice(1, -1), 'utf8') : part);
    out.push(Buffer.from('"'));
  } else if (value instanceof Members) {
    writeMembers(value.entries, out);
  } else if (Array.isArray(value)) {
    out.push(Buffer.from('['));
    value.forEach((item, i) => {
      if (i > 0) out.push(Buffer.from(','));
      write(item === undefined ? null : item, out);
    });
    out.push(Buffer.from(']'));
  } else if (typeof value === 'object' && value !== null) {
    writeMembers(
      Object.keys(value).map((key) => [key, (value as Record<string, unknown>)[key]] as const),
      out,
    );
  } else {
    out.push(Buffer.from(JSON.stringify(value) ?? 'null', 'utf8'));
  }
}

function writeMembers(entries: readonly (readonly [string, unknown])[], out: Buffer[]): void {
  out.push(Buffer.from('{'));
  let first = true;
  for (const [key, item] of entries) {
    if (item === undefined) continue;
    if (!first) out.push(Buffer.from(','));
    first = false;
    out.push(Buffer.from(JSON.stringify(key), 'utf8'), Buffer.from(':'));
    write(item, out);
  }
  out.push(Buffer.from('}'));
}

/** Byte sequences no UTF-8 decoder may accept. */
export const INVALID_UTF8: readonly Buffer[] = [
  [0xc3, 0x28], // a lead byte followed by ASCII
  [0xff],
  [0xfe, 0xff],
  [0x80], // a lone continuation byte
  [0xc0, 0xaf], // overlong "/"
  [0xe0, 0x80, 0xaf], // overlong "/" in three bytes
  [0xf0, 0x80, 0x80, 0xaf], // overlong "/" in four bytes
  [0xc1, 0xbf], // overlong
  [0xed, 0xa0, 0x80], // a raw high surrogate (CESU-8)
  [0xed, 0xbf, 0xbf], // a raw low surrogate
  [0xed, 0xa0, 0xbd, 0xed, 0xb2, 0xa9], // a surrogate pair encoded as two raw halves
  [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
  [0xf8, 0x88, 0x80, 0x80, 0x80], // a five-byte form
  [0xe2, 0x82], // truncated three-byte sequence
].map((bytes) => Buffer.from(bytes));

/** One of {@link INVALID_UTF8}. */
export const invalidUtf8 = (): fc.Arbitrary<Buffer> => fc.constantFrom(...INVALID_UTF8);

/** Characters that break naive handling: C0 and C1 controls, NUL, DEL, line and paragraph separators, BOM, RTL override. */
const CONTROLS = [
  ...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)),
  '\u007f',
  '\u0085',
  '\u009b',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\u202e',
  '\u200b',
];

/** Keys and words that name Object.prototype members. */
export const PROTO_WORDS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  'isPrototypeOf',
];

/** Texts that mean something to some layer: commands, markup, escapes, encodings. */
const SPECIAL_TEXTS = [
  '',
  ' ',
  '\t\n\r ',
  ...PROTO_WORDS,
  '/start',
  '/help',
  '/help@ArticleBot',
  '/help@ArticleBot how many members?',
  '/unknown_command arg',
  '<@U0BOT> How many members does LinkedIn have?',
  '<@U0BOT>',
  '<#C123|general> <https://example.com|link> &lt;&gt;&amp;',
  '<script>alert(1)</script>',
  ']]>',
  '<![CDATA[x]]>',
  '<xml><a>1</a></xml>',
  '&lt;!DOCTYPE x&gt;',
  '%s %d %n %x',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template injection attempt, sent as plain text.
  '${process.exit()}',
  '{{constructor.constructor("return process")()}}',
  '\\u0000',
  '\u0000',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e400',
  '💥'.repeat(5),
  '👨‍👩‍👧‍👦',
  'LinkedIn 在中国有多少用户？',
  'ＨＯＷ ＭＡＮＹ ＭＥＭＢＥＲＳ',
  'How many members does LinkedIn have?\u0000',
  'a\u0301\u0301\u0301\u0301',
  '\ud83d', // a lone high surrogate
  '\ude00x', // a lone low surrogate
  'q\ud800\ud800q',
];

/** Lengths around the limits of the routes: questions (2,000), Telegram (4,096), LINE (5,000), bodies (16, 64, 256 KiB). */
export const LIMIT_LENGTHS = [
  1999,
  2000,
  2001,
  4096,
  4097,
  5000,
  5001,
  16 * 1024 - 40,
  16 * 1024 + 1,
  64 * 1024 - 200,
  64 * 1024 + 1,
  256 * 1024 - 300,
  256 * 1024 + 1,
];

/** Ordinary questions, so that a good share of cases reach the answering engine. */
export const QUESTIONS = [
  'How many members does LinkedIn have?',
  'How many users does WeChat have?',
  'And LinkedIn?',
  'Who is Derek Shen?',
  'What did He Miao say?',
  'Which company does she work for?',
  'What is the article about?',
  'hello',
  'thanks',
  'bye',
  'When was LinkedIn founded?',
  "who are linkedin's joint venture partners",
  'how many chinese users does linkedin have',
];

/** One of {@link QUESTIONS}. */
export const question = (): fc.Arbitrary<string> => fc.constantFrom(...QUESTIONS);

/** Strings of every awkward kind, kept short; see {@link hugeString} for long ones. */
export function hostileString(): fc.Arbitrary<string> {
  const surrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
  return oneof(
    { weight: 4, arbitrary: question() },
    { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_TEXTS) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...CONTROLS, 'a', ' '), maxLength: 20 }) },
    { weight: 1, arbitrary: fc.string({ unit: oneof(surrogate, fc.constantFrom('a', 'é', '中')), maxLength: 12 }) },
    { weight: 1, arbitrary: fc.tuple(question(), fc.constantFrom(...CONTROLS)).map(([q, c]) => `${c}${q}${c}`) },
  );
}

/** A string of `n` units for `n` around the limits: letters, spaces around a question (trimming), or multi-byte text. */
export function hugeString(): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...LIMIT_LENGTHS), fc.constantFrom('letters', 'padded', 'cjk', 'emoji'))
    .map(([n, kind]) => {
      switch (kind) {
        case 'padded':
          return `${' '.repeat(Math.max(0, n - 40))}How many members does LinkedIn have?`;
        case 'cjk':
          return '中'.repeat(Math.ceil(n / 3));
        case 'emoji':
          return '😀'.repeat(Math.ceil(n / 4));
        default:
          return 'q'.repeat(n);
      }
    });
}

/** A JSON string with invalid UTF-8 bytes spliced between text parts (sent raw, not escaped). */
export function brokenString(): fc.Arbitrary<RawString> {
  return fc
    .array(oneof(fc.constantFrom('How many', ' members', 'a', ''), invalidUtf8()), { minLength: 1, maxLength: 5 })
    .map((parts) => new RawString(parts));
}

/** Number literals JSON.parse reads into awkward values: Infinity, -0, beyond 2^53, tiny, huge exponents. */
const NUMBER_LITERALS = [
  '1e400',
  '-1e400',
  '-0',
  '0.0',
  '1E+2',
  '1e-400',
  '9007199254740993',
  '123456789012345678901234567890',
  '0.1',
  '-1',
  '4294967296',
  '-9007199254740992',
];

/** Any value a field should not hold: wrong types, proto-named members, nesting, JSON oddities. */
export function wrongValue(): fc.Arbitrary<unknown> {
  return oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(...NUMBER_LITERALS).map((t) => RawJson.of(t)),
    fc.array(oneof(fc.string({ maxLength: 5 }), fc.integer()), { maxLength: 4 }),
    protoObject(),
    fc.jsonValue({ maxDepth: 3 }),
    fc.constant(RawJson.of('[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]')),
  );
}

/** A field's value: usually a hostile string, sometimes huge, broken or of the wrong type. */
export function fieldValue(): fc.Arbitrary<unknown> {
  return oneof(
    { weight: 8, arbitrary: hostileString() },
    { weight: 1, arbitrary: hugeString() },
    { weight: 1, arbitrary: brokenString() },
    { weight: 3, arbitrary: wrongValue() },
  );
}

/** An object whose members are named after Object.prototype's, the classic pollution payloads among them. */
export function protoObject(): fc.Arbitrary<Members> {
  const payload = fc.constantFrom<unknown>(
    new Members([['polluted', 'yes']]),
    new Members([['prototype', new Members([['polluted', 'yes']])]]),
    new Members([['__proto__', new Members([['polluted', 'yes']])]]),
    'yes',
    null,
    [new Members([['polluted', 'yes']])],
  );
  return fc
    .array(fc.tuple(fc.constantFrom(...PROTO_WORDS), payload), { minLength: 1, maxLength: 3 })
    .map((entries) => new Members(entries));
}

/** Members added to a valid payload: proto-named ones, and random extra keys. */
export function extraMembers(): fc.Arbitrary<[string, unknown][]> {
  return oneof(
    { weight: 3, arbitrary: fc.constant<[string, unknown][]>([]) },
    { weight: 2, arbitrary: protoObject().map((m) => [...m.entries] as [string, unknown][]) },
    { weight: 1, arbitrary: fc.array(fc.tuple(fc.string({ maxLength: 8 }), wrongValue()), { maxLength: 3 }) },
  );
}

/** The text of `[`, `{"a":` ... nested `depth` levels, closed or left open. */
function nested(depth: number, kind: 'array' | 'object', closed: boolean): string {
  if (kind === 'array') return '['.repeat(depth) + (closed ? ']'.repeat(depth) : '');
  return '{"a":'.repeat(depth) + (closed ? `1${'}'.repeat(depth)}` : '');
}

/**
 * Bodies that are not the route's payload at all: random bytes, random JSON, pollution payloads, deep
 * nesting (up to 100,000 levels), huge strings and arrays around `limit` bytes, encodings and syntax
 * JSON.parse refuses.
 */
export function junkBody(limit: number): fc.Arbitrary<{ kind: string; body: Buffer }> {
  const sizes = fc.constantFrom(limit - 64, limit, limit + 1, limit * 2, 100, 5_000);
  const depth = fc.constantFrom(64, 1_000, 5_000, 20_000, 100_000);
  const tagged = (kind: string, arb: fc.Arbitrary<Buffer>) => arb.map((body) => ({ kind, body }));
  return oneof(
    tagged(
      'random-bytes',
      fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)),
    ),
    tagged(
      'random-json',
      fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    ),
    tagged(
      'random-json-utf8',
      fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null', 'utf8')),
    ),
    tagged(
      'proto-payload',
      fc
        .constantFrom(
          '{"__proto__":{"polluted":"yes"}}',
          '{"constructor":{"prototype":{"polluted":"yes"}}}',
          '[{"__proto__":{"polluted":"yes"}}]',
          '{"a":{"__proto__":{"polluted":"yes"}},"__proto__":[]}',
          '{"__proto__":null}',
          '{"__proto__":"yes","constructor":1,"prototype":[]}',
        )
        .map((t) => Buffer.from(t)),
    ),
    tagged('proto-object', protoObject().map(jsonBytes)),
    tagged(
      'deep-array',
      fc.tuple(depth, fc.boolean()).map(([d, closed]) => Buffer.from(nested(d, 'array', closed))),
    ),
    tagged(
      'deep-object',
      fc.tuple(depth, fc.boolean()).map(([d, closed]) => Buffer.from(nested(Math.min(d, 20_000), 'object', closed))),
    ),
    tagged(
      'huge-string',
      sizes.map((n) => Buffer.from(`"${'a'.repeat(Math.max(0, n - 2))}"`)),
    ),
    tagged(
      'huge-array',
      sizes.map((n) => Buffer.from(`[${'1,'.repeat(Math.max(0, Math.floor((n - 3) / 2)))}1]`)),
    ),
    tagged(
      'huge-object',
      sizes.map((n) =>
        Buffer.from(
          `{${Array.from({ length: Math.max(1, Math.floor(n / 12)) }, (_, i) => `"k${i}":${i % 10}`).join(',')}}`,
        ),
      ),
    ),
    tagged(
      'empty',
      fc.constantFrom('', ' ', '\n\r\t ', '\u0000').map((t) => Buffer.from(t)),
    ),
    tagged(
      'not-json',
      fc
        .constantFrom(
          "{'text':'single quotes'}",
          '{"text":"trailing comma",}',
          '{"text":"x"} // comment',
          '{"text":NaN}',
          '{"text":Infinity}',
          '{"text":"x"}{"text":"y"}',
          '{"text":"unterminated',
          '{"text":"\\ud800"}',
          '{"text":"\\uDEAD\\uBEEF"}',
          '{"text":"bad escape \\x41"}',
          '{"text":"\\u12"}',
          'text=hello&conversationId=c',
          '<xml><Content>hi</Content></xml>',
          'null',
          'true',
          '0',
          '"just a string"',
          '[]',
          '{}',
        )
        .map((t) => Buffer.from(t)),
    ),
    tagged(
      'invalid-utf8',
      fc
        .tuple(invalidUtf8(), fc.constantFrom('{"text":"', '{"', '[', ''))
        .map(([bad, head]) => Buffer.concat([Buffer.from(head), bad, Buffer.from('"}')])),
    ),
    tagged(
      'bom',
      fc.constantFrom('\ufeff{"text":"hello"}', '\ufeff\ufeff{}').map((t) => Buffer.from(t, 'utf8')),
    ),
    tagged(
      'utf16',
      fc.constantFrom('{"text":"hello"}', '\ufeff{"text":"hello"}').map((t) => Buffer.from(t, 'utf16le')),
    ),
  );
}

/** Ways to damage a valid body: cut it short, flip a byte, splice invalid UTF-8 in, drop or duplicate a part. */
export function mutation(): fc.Arbitrary<{ kind: string; apply: (body: Buffer) => Buffer }> {
  const at = fc.double({ min: 0, max: 1, noNaN: true });
  const index = (body: Buffer, f: number) => Math.min(body.length, Math.floor(f * body.length));
  return oneof(
    at.map((f) => ({
      kind: 'truncated',
      apply: (b: Buffer) => b.subarray(0, Math.min(index(b, f), Math.max(0, b.length - 1))),
    })),
    fc.tuple(at, fc.integer({ min: 1, max: 255 })).map(([f, xor]) => ({
      kind: 'byte-flipped',
      apply: (b: Buffer) => {
        if (b.length === 0) return b;
        const copy = Buffer.from(b);
        const i = Math.min(copy.length - 1, index(copy, f));
        copy[i] = copy[i]! ^ xor;
        return copy;
      },
    })),
    fc.tuple(at, invalidUtf8()).map(([f, bad]) => ({
      kind: 'invalid-utf8-spliced',
      apply: (b: Buffer) => Buffer.concat([b.subarray(0, index(b, f)), bad, b.subarray(index(b, f))]),
    })),
    fc.tuple(at, at).map(([f, g]) => ({
      kind: 'part-dropped',
      apply: (b: Buffer) => {
        const [from, to] = [index(b, Math.min(f, g)), index(b, Math.max(f, g))];
        return Buffer.concat([b.subarray(0, from), b.subarray(to)]);
      },
    })),
    fc.constant({ kind: 'doubled', apply: (b: Buffer) => Buffer.concat([b, b]) }),
    fc.constant({ kind: 'trailing-garbage', apply: (b: Buffer) => Buffer.concat([b, Buffer.from(',]}\u0000')]) }),
  );
}

/** Content types, right and wrong; `undefined` means no Content-Type header at all. */
export function contentType(right: readonly string[]): fc.Arbitrary<string | undefined> {
  const wrong = oneof(
    fc.constantFrom<string | undefined>(
      undefined,
      '',
      'text/plain',
      'text/xml',
      'application/xml',
      'application/json-patch+json',
      'application/vnd.api+json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=xyz',
      'application/octet-stream',
      '*/*',
      'application/*',
      'application',
      'application/json;;;',
      'application/json; charset',
      'application/json; charset=utf-16',
      'application/json; charset="utf-8"; x=1',
      'APPLICATION/JSON',
      'application/json, text/plain',
      'text/xml; charset=gbk',
      ' application/json ',
    ),
    // Any header value Node will send: tab, printable ASCII and Latin-1.
    fc.string({
      unit: fc
        .integer({ min: 0x20, max: 0xff })
        .filter((c) => c !== 0x7f)
        .map((c) => String.fromCharCode(c)),
      maxLength: 30,
    }),
  );
  return oneof({ weight: 9, arbitrary: fc.constantFrom(...right) }, { weight: 1, arbitrary: wrong });
}

/** A header value Node's client will send: printable ASCII and Latin-1 (no CR, LF or other controls). */
export function headerValue(): fc.Arbitrary<string> {
  return oneof(
    fc.string({ unit: 'grapheme-ascii', maxLength: 80 }),
    fc.string({
      unit: fc
        .integer({ min: 0x20, max: 0xff })
        .filter((c) => c !== 0x7f)
        .map((c) => String.fromCharCode(c)),
      maxLength: 40,
    }),
    fc.constantFrom('', ' ', 'null', 'undefined', '__proto__', 'a'.repeat(4000)),
  );
}

/** A method other than the route's own, mostly; HEAD and OPTIONS included. */
export function otherMethod(): fc.Arbitrary<string> {
  return fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'PROPFIND', 'TRACE');
}

/** Content-Encoding headers, with a body encoded (or not) to match: body-parser inflates these before the limit. */
export function contentEncoding(): fc.Arbitrary<{ kind: string; header: string; encode: (b: Buffer) => Buffer }> {
  return fc.constantFrom(
    { kind: 'gzip', header: 'gzip', encode: (b: Buffer) => gzipSync(b) },
    { kind: 'gzip-not-gzipped', header: 'gzip', encode: (b: Buffer) => b },
    { kind: 'gzip-bomb', header: 'gzip', encode: () => gzipBomb() },
    { kind: 'deflate-not-deflated', header: 'deflate', encode: (b: Buffer) => b },
    { kind: 'br-not-br', header: 'br', encode: (b: Buffer) => b },
    { kind: 'unknown-encoding', header: 'x-rot13', encode: (b: Buffer) => b },
    { kind: 'identity', header: 'identity', encode: (b: Buffer) => b },
    { kind: 'gzip-twice', header: 'gzip, gzip', encode: (b: Buffer) => gzipSync(gzipSync(b)) },
  );
}

let bomb: Buffer | undefined;

/** 8 MiB of spaces, gzipped to about 8 KiB: inflated past every route's limit. */
function gzipBomb(): Buffer {
  bomb ??= gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20));
  return bomb;
}

/** Percent-encodes the UTF-8 bytes of `text` (lone surrogates become U+FFFD); raw bytes are encoded as they are. */
export function percentEncode(value: string | Buffer): string {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  let out = '';
  for (const byte of bytes) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
