import type { Reply } from '../../core/types.js';
import { plainTextWithSuggestions } from '../format.js';
import { type WechatCipher, wechatSignature } from './crypto.js';
import type { WechatMessage } from './xml.js';

/** WeChat shows at most this many bytes (UTF-8) of a text reply's Content. */
export const WECHAT_CONTENT_LIMIT = 2048;
const ELLIPSIS = '…';

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
