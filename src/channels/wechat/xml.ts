import { createRequire } from 'node:module';
import type * as FastXmlParser from 'fast-xml-parser';
import { HttpError } from '../../http/errors.js';

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
let parser: FastXmlParser.XMLParser | undefined;

/**
 * The parser, made with the first WeChat message: loading fast-xml-parser takes about 50 ms, which neither a start
 * nor a server without WeChat need pay.
 */
function xmlParser(): FastXmlParser.XMLParser {
  if (!parser) {
    // A variable of its own: `new (require(...) as T).XMLParser()` is compiled without its parentheses.
    const { XMLParser } = createRequire(import.meta.url)('fast-xml-parser') as typeof FastXmlParser;
    parser = new XMLParser(WECHAT_XML_OPTIONS);
  }
  return parser;
}

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
    parsed = xmlParser().parse(text, true);
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
