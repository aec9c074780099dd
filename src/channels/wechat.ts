import express, { type Request, type Response, type Router } from 'express';
import { XMLParser } from 'fast-xml-parser';
import type { WechatSettings } from '../config.js';
import { OnceCache } from '../conversation/once.js';
import { APOLOGY } from '../conversation/turns.js';
import type { Reply } from '../core/types.js';
import { methodNotAllowed, rawBody, rawBodyOf, requireContentType } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { describeError } from '../log.js';
import type { ChannelDeps } from './channel.js';
import { plainTextWithSuggestions } from './format.js';
import { checkWechatSignature, WechatCipher, WechatCryptoError, wechatSignature } from './wechat-crypto.js';

/** Largest accepted request body; WeChat's messages are a few hundred bytes, encrypted ones a little more. */
export const WECHAT_BODY_LIMIT = 64 * 1024;
/** WeChat shows at most this many bytes (UTF-8) of a text reply's Content. */
export const WECHAT_CONTENT_LIMIT = 2048;
/** What WeChat reads as "no reply" (an empty body would do too). */
const NO_REPLY = 'success';
const ELLIPSIS = '…';
const XML_TYPES = ['text/xml', 'application/xml'];

/** A message from WeChat, after decryption, with the fields the bot uses. */
export interface WechatMessage {
  toUserName: string;
  fromUserName: string;
  createTime: string;
  msgType: string;
  content?: string;
  msgId?: string;
  event?: string;
  /** Speech recognition result of a voice message, when the account has it turned on. */
  recognition?: string;
}

/**
 * `GET /api/wechat` answers WeChat's server check (echoes `echostr` when the signature is right);
 * `POST /api/wechat` answers messages with a passive XML reply in the response body: text is answered in
 * the sender's conversation (`wechat:<FromUserName>`), subscribing gets the welcome, other messages a short
 * note, other events no reply. Every request must carry a valid `signature`. With the app id and
 * EncodingAESKey configured, `encrypt_type=aes` requests (safe and compatible mode) must carry a valid
 * `msg_signature` too and are answered encrypted; without them, compatible mode's plaintext copy is answered
 * in plaintext and a safe-mode message is refused. A retried message (same MsgId) gets the first answer's
 * XML and advances the conversation once. Refusals are JSON errors (400, 401, 405, 413, 415).
 */
export function wechatChannel(deps: ChannelDeps & { settings: WechatSettings }): Router {
  const { settings, logger } = deps;
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const cipher =
    settings.appId !== null && settings.encodingAesKey !== null
      ? new WechatCipher(settings.encodingAesKey, settings.appId)
      : null;
  // WeChat retries three times within about 15 s; a few minutes covers that with room to spare.
  const once = new OnceCache<string | null>({ ttlMs: 5 * 60_000, maxEntries: 10_000 });
  const router = express.Router();

  router.get('/api/wechat', (req: Request, res: Response) => {
    const { signature, timestamp, nonce, echostr } = queryStrings(req, ['signature', 'timestamp', 'nonce', 'echostr']);
    if (timestamp === undefined || nonce === undefined || echostr === undefined) {
      throw new HttpError(
        400,
        'invalid_request',
        'The server check needs signature, timestamp, nonce and echostr query parameters.',
      );
    }
    requireSignature(signature, settings.token, timestamp, nonce);
    res.set('X-Content-Type-Options', 'nosniff');
    res.type('text/plain').send(echostr);
  });

  router.post(
    '/api/wechat',
    requireContentType(XML_TYPES, 'WeChat messages are XML: send them as Content-Type: text/xml.', {
      allowMissing: true,
    }),
    rawBody(WECHAT_BODY_LIMIT),
    async (req: Request, res: Response) => {
      const query = queryStrings(req, ['signature', 'timestamp', 'nonce', 'encrypt_type', 'msg_signature']);
      const { timestamp, nonce } = query;
      if (timestamp === undefined || nonce === undefined) {
        throw new HttpError(
          400,
          'invalid_request',
          'WeChat requests carry signature, timestamp and nonce query parameters.',
        );
      }
      requireSignature(query.signature, settings.token, timestamp, nonce);
      const envelope = parseWechatXml(rawBodyOf(req));

      if (query.encrypt_type !== undefined && query.encrypt_type !== 'aes' && query.encrypt_type !== 'raw') {
        throw new HttpError(
          400,
          'invalid_request',
          `Unknown encrypt_type ${JSON.stringify(query.encrypt_type)}; expected aes or raw.`,
        );
      }
      // Without a key, compatible mode's plaintext copy of the message is still readable and answerable in plaintext.
      const encrypted = query.encrypt_type === 'aes' && (cipher !== null || envelope.MsgType === undefined);
      let fields = envelope;
      if (encrypted) {
        if (cipher === null) {
          logger.warn('wechat: an encrypted message arrived but safe mode is not configured', {
            fix: 'set WECHAT_APP_ID and WECHAT_ENCODING_AES_KEY, or switch the account to plaintext mode',
          });
          throw new HttpError(
            400,
            'encryption_not_configured',
            'This server has no EncodingAESKey, so it cannot read encrypted messages.',
          );
        }
        fields = decryptEnvelope(envelope, cipher, settings.token, timestamp, nonce, query.msg_signature);
      }
      const message = readWechatMessage(fields);

      let xml: string | null;
      try {
        xml = await once.run(dedupeKey(message), () => replyXmlFor(message)).result;
      } catch (error) {
        // Forgotten by the cache, so WeChat's retry gets a fresh try; this attempt gets an apology.
        logger.error('wechat: answering failed', { msgType: message.msgType, ...describeError(error) });
        xml = textReplyXml(message, APOLOGY, nowSeconds());
      }

      if (xml === null) {
        res.type('text/plain').send(NO_REPLY);
        return;
      }
      res.type('text/xml; charset=utf-8');
      res.send(
        encrypted && cipher !== null ? encryptedReplyXml(xml, cipher, settings.token, nonce, nowSeconds()) : xml,
      );
    },
  );

  router.all(
    '/api/wechat',
    methodNotAllowed('GET, POST', 'WeChat calls this route with GET (server check) and POST (messages).'),
  );
  return router;

  /** The reply XML for `message`, or null for "no reply". */
  async function replyXmlFor(message: WechatMessage): Promise<string | null> {
    const text = await replyTextFor(message);
    return text === null ? null : textReplyXml(message, text, nowSeconds());
  }

  async function replyTextFor(message: WechatMessage): Promise<string | null> {
    // A voice message is a question only when WeChat's speech recognition made something of it.
    const recognised = message.msgType === 'voice' && message.recognition?.trim() ? message.recognition : undefined;
    const question = message.msgType === 'text' ? (message.content ?? '') : recognised;
    if (question !== undefined) {
      const trimmed = question.trim();
      if (trimmed === '') return fitContent(deps.turns.welcome());
      const reply = await deps.turns.answer(`wechat:${message.fromUserName}`, trimmed);
      return fitContent(reply);
    }
    if (message.msgType === 'event') {
      return message.event?.toLowerCase() === 'subscribe' ? fitContent(deps.turns.welcome()) : null;
    }
    const example = deps.turns.welcome().suggestions[0];
    const hint = example ? ` For example: "${example}"` : '';
    return `Sorry, I can only read text messages. Type a question about the article and I will answer it.${hint}`;
  }
}

function queryStrings<K extends string>(req: Request, names: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const name of names) {
    const value = req.query[name];
    // A repeated parameter arrives as an array; WeChat never repeats one, so it is treated as missing.
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

function requireSignature(signature: string | undefined, ...parts: string[]): void {
  if (!checkWechatSignature(signature, ...parts)) {
    throw new HttpError(
      401,
      'invalid_signature',
      'The signature query parameter must be the SHA-1 of the token, timestamp and nonce (check WECHAT_TOKEN against the Official Account settings).',
    );
  }
}

function decryptEnvelope(
  envelope: Record<string, unknown>,
  cipher: WechatCipher,
  token: string,
  timestamp: string,
  nonce: string,
  msgSignature: string | undefined,
): Record<string, unknown> {
  const encrypt = envelope.Encrypt;
  if (typeof encrypt !== 'string' || encrypt === '') {
    throw new HttpError(400, 'invalid_message', 'An encrypt_type=aes message must have an <Encrypt> element.');
  }
  if (!checkWechatSignature(msgSignature, token, timestamp, nonce, encrypt)) {
    throw new HttpError(
      401,
      'invalid_signature',
      'msg_signature must be the SHA-1 of the token, timestamp, nonce and the <Encrypt> text.',
    );
  }
  let inner: string;
  try {
    inner = cipher.decrypt(encrypt);
  } catch (error) {
    if (error instanceof WechatCryptoError) {
      throw new HttpError(
        400,
        'invalid_encrypted_message',
        "The <Encrypt> element could not be decrypted with this account's EncodingAESKey and app id.",
      );
    }
    throw error;
  }
  return parseWechatXml(Buffer.from(inner, 'utf8'));
}

/**
 * fast-xml-parser options for WeChat bodies (exported so tests can check the parser alone): entities are
 * never expanded and every value stays a string.
 */
export const WECHAT_XML_OPTIONS = Object.freeze({
  // Entities are never expanded (no XXE, no billion laughs); WeChat puts text in CDATA, which needs none.
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // MsgId is a 64-bit number: as a JS number it would lose digits, so every value stays a string.
  parseTagValue: false,
  trimValues: true,
  maxNestedTags: 8,
});
const parser = new XMLParser(WECHAT_XML_OPTIONS);

/**
 * Parses a WeChat XML body into the children of its `<xml>` root (values are strings). Throws a 400
 * {@link HttpError} for anything else, including any DOCTYPE: WeChat never sends one, and refusing it
 * outright keeps entity tricks out whatever the parser would do with them.
 */
export function parseWechatXml(raw: Buffer): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new HttpError(400, 'invalid_xml', 'The request body is not UTF-8.');
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new HttpError(400, 'invalid_xml', 'DOCTYPE and ENTITY declarations are not accepted.');
  }
  let parsed: unknown;
  try {
    parsed = parser.parse(text, true);
  } catch {
    throw new HttpError(400, 'invalid_xml', 'The request body is not well-formed XML.');
  }
  const root = (parsed as { xml?: unknown } | null)?.xml;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw new HttpError(400, 'invalid_message', 'A WeChat message is an <xml> element with child elements.');
  }
  return root as Record<string, unknown>;
}

/** Reads the fields the bot uses; throws a 400 {@link HttpError} naming a missing or malformed one. */
export function readWechatMessage(fields: Record<string, unknown>): WechatMessage {
  const required = (name: string): string => {
    const value = fields[name];
    if (typeof value !== 'string' || value === '') {
      throw new HttpError(400, 'invalid_message', `The message needs a <${name}> element with text.`);
    }
    return value;
  };
  const optional = (name: string): string | undefined => {
    const value = fields[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string')
      throw new HttpError(400, 'invalid_message', `<${name}> must appear once and hold text.`);
    return value;
  };
  const message: WechatMessage = {
    toUserName: required('ToUserName'),
    fromUserName: required('FromUserName'),
    createTime: required('CreateTime'),
    msgType: required('MsgType').toLowerCase(),
  };
  const extras = { content: 'Content', msgId: 'MsgId', event: 'Event', recognition: 'Recognition' } as const;
  for (const [key, name] of Object.entries(extras) as [keyof typeof extras, string][]) {
    const value = optional(name);
    if (value !== undefined) message[key] = value;
  }
  return message;
}

/** Messages carry MsgId; events do not, and WeChat suggests FromUserName + CreateTime for them. */
function dedupeKey(message: WechatMessage): string {
  if (message.msgId) return `msg:${message.fromUserName}:${message.msgId}`;
  return `event:${message.fromUserName}:${message.createTime}:${message.event ?? message.msgType}`;
}

/**
 * The reply as WeChat text: the answer with its suggestions, shortened to {@link WECHAT_CONTENT_LIMIT}
 * bytes when needed (suggestions go first, then the answer is cut at a sentence or word and ends in "…").
 */
export function fitContent(reply: Reply): string {
  const full = plainTextWithSuggestions(reply);
  if (utf8Length(full) <= WECHAT_CONTENT_LIMIT) return full;
  if (utf8Length(reply.text) <= WECHAT_CONTENT_LIMIT) return reply.text;
  return truncateUtf8(reply.text, WECHAT_CONTENT_LIMIT);
}

/** `text` cut to at most `maxBytes` of UTF-8, at a sentence end or a space when one is near, plus "…". */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (utf8Length(text) <= maxBytes) return text;
  // Room for " …", the longest ending below.
  const budget = maxBytes - utf8Length(` ${ELLIPSIS}`);
  let used = 0;
  let end = 0;
  // Whole code points only, so a Chinese character or an emoji is never split.
  for (const char of text) {
    const size = utf8Length(char);
    if (used + size > budget) break;
    used += size;
    end += char.length;
  }
  const head = text.slice(0, end);
  const sentence = Math.max(head.lastIndexOf('. '), head.lastIndexOf('.\n'), head.lastIndexOf('。'));
  if (sentence > end * 0.6) return `${head.slice(0, sentence + 1)} ${ELLIPSIS}`;
  const space = head.search(/\s\S*$/);
  if (space > end * 0.8) return `${head.slice(0, space)}${ELLIPSIS}`;
  return `${head}${ELLIPSIS}`;
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** `text` as CDATA; a "]]>" inside is split across two sections, the only way CDATA can hold it. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** A passive text reply to `message`: To and From swapped, Content in CDATA. */
export function textReplyXml(
  message: Pick<WechatMessage, 'toUserName' | 'fromUserName'>,
  content: string,
  createTime: number,
): string {
  return (
    '<xml>' +
    `<ToUserName>${cdata(message.fromUserName)}</ToUserName>` +
    `<FromUserName>${cdata(message.toUserName)}</FromUserName>` +
    `<CreateTime>${createTime}</CreateTime>` +
    `<MsgType>${cdata('text')}</MsgType>` +
    `<Content>${cdata(content)}</Content>` +
    '</xml>'
  );
}

/** Safe mode's reply envelope around `xml`, signed with msg_signature over (token, timestamp, nonce, Encrypt). */
export function encryptedReplyXml(
  xml: string,
  cipher: WechatCipher,
  token: string,
  nonce: string,
  timestamp: number,
): string {
  const encrypt = cipher.encrypt(xml);
  const signature = wechatSignature(token, String(timestamp), nonce, encrypt);
  return (
    '<xml>' +
    `<Encrypt>${cdata(encrypt)}</Encrypt>` +
    `<MsgSignature>${cdata(signature)}</MsgSignature>` +
    `<TimeStamp>${timestamp}</TimeStamp>` +
    `<Nonce>${cdata(nonce)}</Nonce>` +
    '</xml>'
  );
}
