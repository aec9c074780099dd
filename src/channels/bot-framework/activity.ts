import type { Activity } from 'botbuilder';
import { MAX_QUESTION_LENGTH } from '../../conversation/turns.js';
import { isRecord, parseJsonBody } from '../../http/body.js';
import { HttpError } from '../../http/errors.js';

/** Largest accepted activity, in bytes. */
export const BOT_FRAMEWORK_BODY_LIMIT = 64 * 1024;

/** Activity types the bot answers; it needs to know who is talking to whom to reply to them. */
const ANSWERED_TYPES = new Set(['message', 'conversationUpdate']);

function invalid(message: string): HttpError {
  return new HttpError(400, 'invalid_activity', message);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** An optional channel account (`from`, `recipient`, a member): an object with an `id` string. */
function checkAccount(value: unknown, field: string, required: boolean): void {
  if (value === undefined && !required) return;
  if (!isRecord(value) || !nonEmptyString(value.id)) {
    throw invalid(`"${field}" must be an object with an "id" string${required ? ' (it says whom to reply to)' : ''}.`);
  }
}

/**
 * The SDK puts activity and conversation ids into reply URLs and HTTP headers, where a character beyond
 * printable ASCII (or a lone surrogate) makes the reply fail after the turn; Bot Framework's own ids are
 * printable ASCII, so anything else is refused up front.
 */
const PRINTABLE_ID = /^[\x20-\x7e]{1,1024}$/;

function checkId(value: unknown, field: string): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || !PRINTABLE_ID.test(value)) {
    throw invalid(`"${field}" must be a string of printable ASCII characters.`);
  }
}

/**
 * Parses and validates a Bot Framework activity from the raw request body before the SDK sees it, so a
 * malformed one is a 400 with a JSON error rather than an exception inside the SDK. Requires what every
 * activity the Bot Framework sends carries and the bot relies on: `type`, `channelId`, `serviceUrl` (where
 * replies go), `conversation.id`; for messages and conversation updates also `from` and `recipient`. A
 * message's `text`, when present, must be a string of at most {@link MAX_QUESTION_LENGTH} characters after
 * trimming. Like the SDK's own HTTP path, string timestamps become `Date`s (the originals kept as `raw*`).
 * Throws {@link HttpError} (400) naming the field.
 */
export function parseActivity(raw: Buffer): Activity {
  const body = parseJsonBody(raw);
  if (!isRecord(body)) throw invalid('The request body must be a Bot Framework activity: a JSON object with a "type".');
  if (!nonEmptyString(body.type)) {
    throw invalid('"type" is required: a string such as "message" or "conversationUpdate".');
  }
  if (!nonEmptyString(body.channelId))
    throw invalid('"channelId" is required: a string such as "emulator" or "msteams".');
  if (!nonEmptyString(body.serviceUrl) || !isHttpUrl(body.serviceUrl)) {
    throw invalid('"serviceUrl" is required: the http(s) URL replies are sent to.');
  }
  if (!isRecord(body.conversation) || !nonEmptyString(body.conversation.id)) {
    throw invalid('"conversation" is required: an object with an "id" string.');
  }
  checkId(body.conversation.id, 'conversation.id');
  checkId(body.id, 'id');
  checkId(body.replyToId, 'replyToId');
  if (body.entities !== undefined && body.entities !== null) {
    if (!Array.isArray(body.entities) || !body.entities.every(isRecord))
      throw invalid('"entities" must be an array of objects.');
  }
  const answered = ANSWERED_TYPES.has(body.type);
  checkAccount(body.from, 'from', answered);
  checkAccount(body.recipient, 'recipient', answered);
  if (body.membersAdded !== undefined) {
    if (!Array.isArray(body.membersAdded)) throw invalid('"membersAdded" must be an array of accounts.');
    for (const [i, member] of body.membersAdded.entries()) checkAccount(member, `membersAdded[${i}]`, true);
  }
  if (body.deliveryMode !== undefined && typeof body.deliveryMode !== 'string') {
    throw invalid('"deliveryMode" must be a string such as "expectReplies".');
  }
  if (body.text !== undefined && body.text !== null) {
    if (typeof body.text !== 'string') throw new HttpError(400, 'invalid_text', '"text" must be a string.');
    if (body.text.trim().length > MAX_QUESTION_LENGTH) {
      throw new HttpError(400, 'invalid_text', `"text" must be at most ${MAX_QUESTION_LENGTH} characters.`);
    }
  }
  for (const field of ['timestamp', 'localTimestamp', 'expiration'] as const) {
    const value = body[field];
    if (typeof value === 'string') {
      body[`raw${field[0]!.toUpperCase()}${field.slice(1)}`] = value;
      body[field] = new Date(value);
    }
  }
  return body as unknown as Activity;
}

/** Whether `value` parses as an http: or https: URL (what `serviceUrl` must be). */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
