import express, { type Request, type Response, type Router } from 'express';
import { APOLOGY } from '../../conversation/turns.js';
import type { Reply } from '../../core/types.js';
import { postRoute } from '../../http/body.js';
import { HttpError } from '../../http/errors.js';
import { describeError } from '../../log.js';
import { StoreUnavailableError } from '../../store/errors.js';
import { type ChannelDeps, defineChannel } from '../channel.js';
import { checkWechatSignature, WechatCipher, WechatCryptoError } from './crypto.js';
import { encryptedReplyXml, fitContent, textReplyXml } from './reply.js';
import { readWechatSettings, type WechatSettings } from './settings.js';
import { parseWechatXml, readWechatMessage, type WechatMessage } from './xml.js';

/** A WeChat Official Account's server: on when WECHAT_TOKEN is set; safe mode with the app id and key too. */
export const wechatChannel = defineChannel('wechat', {
  readSettings: readWechatSettings,
  routes: wechatRoutes,
  signedPaths: () => ['/api/wechat'],
  describe: (settings) => ({ safeMode: settings.encodingAesKey !== null }),
});

/** Largest accepted request body; WeChat's messages are a few hundred bytes, encrypted ones a little more. */
export const WECHAT_BODY_LIMIT = 64 * 1024;
/** What WeChat reads as "no reply" (an empty body would do too). */
const NO_REPLY = 'success';
const XML_TYPES = ['text/xml', 'application/xml'];

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
export function wechatRoutes(deps: ChannelDeps, settings: WechatSettings): Router {
  const { logger } = deps;
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const cipher =
    settings.appId !== null && settings.encodingAesKey !== null
      ? new WechatCipher(settings.encodingAesKey, settings.appId)
      : null;
  // WeChat retries three times within about 15 s; a few minutes covers that with room to spare.
  const once = deps.dedupe<string | null>('wechat', 5 * 60_000, () => deps.metrics?.deduplicated('wechat'));
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

  const route = {
    types: XML_TYPES,
    typeMessage: 'WeChat messages are XML: send them as Content-Type: text/xml.',
    allowMissingType: true,
    limit: WECHAT_BODY_LIMIT,
    allow: 'GET, POST',
    methodMessage: 'WeChat calls this route with GET (server check) and POST (messages).',
  };
  postRoute(router, '/api/wechat', route, async (req, res, body) => {
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
    const envelope = parseWechatXml(body);

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
      xml = await (await once.run(dedupeKey(message), () => replyXmlFor(message))).result;
    } catch (error) {
      // Shared state out of reach for a moment (Redis): a 503, and WeChat's retry gets the answer.
      if (error instanceof StoreUnavailableError) throw error;
      // Forgotten by the cache, so WeChat's retry gets a fresh try; this attempt gets an apology.
      logger.error('wechat: answering failed', { msgType: message.msgType, ...describeError(error) });
      xml = textReplyXml(message, APOLOGY, nowSeconds());
    }

    if (xml === null) {
      res.type('text/plain').send(NO_REPLY);
      return;
    }
    res.type('text/xml; charset=utf-8');
    res.send(encrypted && cipher !== null ? encryptedReplyXml(xml, cipher, settings.token, nonce, nowSeconds()) : xml);
  });
  return router;

  /** The reply XML for `message`, or null for "no reply". */
  async function replyXmlFor(message: WechatMessage): Promise<string | null> {
    const text = await replyTextFor(message);
    return text === null ? null : textReplyXml(message, text, nowSeconds());
  }

  /**
   * The welcome of an Official Account, whose followers mostly read Chinese: in Chinese with Chinese suggestions,
   * then in English (only in English when the article has no Chinese).
   */
  function welcome(): Reply {
    const chinese = deps.turns.welcome('zh');
    const english = deps.turns.welcome('en');
    return chinese.lang === 'zh' ? { ...chinese, text: `${chinese.text}\n\n${english.text}` } : english;
  }

  async function replyTextFor(message: WechatMessage): Promise<string | null> {
    // A voice message is a question only when WeChat's speech recognition made something of it.
    const recognised = message.msgType === 'voice' && message.recognition?.trim() ? message.recognition : undefined;
    const question = message.msgType === 'text' ? (message.content ?? '') : recognised;
    if (question !== undefined) {
      const trimmed = question.trim();
      if (trimmed === '') return fitContent(welcome());
      const reply = await deps.turns.answer(`wechat:${message.fromUserName}`, trimmed);
      return fitContent(reply);
    }
    if (message.msgType === 'event') {
      return message.event?.toLowerCase() === 'subscribe' ? fitContent(welcome()) : null;
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

/** Messages carry MsgId; events do not, and WeChat suggests FromUserName + CreateTime for them. */
function dedupeKey(message: WechatMessage): string {
  if (message.msgId) return `msg:${message.fromUserName}:${message.msgId}`;
  return `event:${message.fromUserName}:${message.createTime}:${message.event ?? message.msgType}`;
}
