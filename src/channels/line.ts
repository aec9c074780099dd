import { createHmac } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { LineSettings } from '../config.js';
import { OnceCache } from '../conversation/once.js';
import { OUTBOUND_TIMEOUT_MS, OutboundError, postJson } from '../conversation/outbound.js';
import { APOLOGY } from '../conversation/turns.js';
import type { Reply } from '../core/types.js';
import { isRecord, methodNotAllowed, parseJsonBody, rawBody, rawBodyOf, requireJson } from '../http/body.js';
import { constantTimeEqual } from '../http/constant-time.js';
import { HttpError } from '../http/errors.js';
import { describeError } from '../log.js';
import type { ChannelDeps } from './channel.js';
import { fitText } from './format.js';

/** The webhook route set in the LINE Developers console as `https://<host>/api/line`. */
export const LINE_PATH = '/api/line';
/** Largest accepted webhook body; LINE may batch several events, each text at most 5,000 characters. */
export const LINE_BODY_LIMIT = 256 * 1024;
/** LINE's limit on a text message. */
export const LINE_TEXT_LIMIT = 5000;
/** LINE's limits on quick reply buttons: how many, a label's length, a message action's text. */
export const LINE_QUICK_REPLY_LIMITS = { items: 13, label: 20, text: 300 } as const;

const SIGNATURE_HEADER = 'x-line-signature';
/** LINE redelivers (when redelivery is on) for a limited time; a day comfortably covers it. */
const DEDUPE = { ttlMs: 24 * 60 * 60 * 1000, maxEntries: 10_000 };

/** What the channel is built from; `timeoutMs` bounds each reply call (tests shorten it). */
export interface LineChannelDeps extends ChannelDeps {
  settings: LineSettings;
  timeoutMs?: number;
}

/** One event worth answering, reduced to what the bot uses. */
export type LineTask = {
  /** `webhookEventId`, the key redeliveries are recognised by (absent in old payloads: then no dedupe). */
  eventId: string | null;
  replyToken: string;
  /** `line:user:<id>`, `line:group:<id>` or `line:room:<id>`; undefined when the source has no id. */
  conversationId: string | undefined;
} & ({ kind: 'text'; text: string } | { kind: 'welcome' });

interface QuickReplyItem {
  type: 'action';
  action: { type: 'message'; label: string; text: string };
}

/** A LINE text message object as the reply API takes it. */
export interface LineTextMessage {
  type: 'text';
  text: string;
  quickReply?: { items: QuickReplyItem[] };
}

/**
 * `POST /api/line`: the LINE Messaging API webhook. Refuses (401) a request without a valid
 * `x-line-signature` (base64 HMAC-SHA256 of the raw body keyed with the channel secret), acknowledges a
 * valid one with 200 `{}` at once (an empty `events` array is LINE's verify request), then answers each
 * text message through the reply API with the suggestions as quick reply buttons, in the source's
 * conversation so follow-ups work; `follow` and `join` get the welcome. Other events, events in standby
 * mode and redelivered events already answered are ignored. A failed reply call is logged with LINE's
 * error and status, never with the token. Errors are JSON: 400 for a body that is not a webhook, 413 over
 * {@link LINE_BODY_LIMIT}, 415 for a non-JSON content type, 405 for other methods.
 */
export function lineChannel(deps: LineChannelDeps): Router {
  const once = new OnceCache<void>(DEDUPE);
  const router = express.Router();
  router.post(
    LINE_PATH,
    (req, _res, next) => {
      // Without a signature there is nothing to verify, so the body is not even read.
      if (!req.get(SIGNATURE_HEADER)) throw invalidSignature();
      next();
    },
    requireJson('LINE webhooks are sent as Content-Type: application/json.'),
    rawBody(LINE_BODY_LIMIT),
    (req: Request, res: Response) => {
      const raw = rawBodyOf(req);
      if (!verifyLineSignature(raw, req.get(SIGNATURE_HEADER), deps.settings.channelSecret)) throw invalidSignature();
      const tasks = parseLineWebhook(raw);
      // LINE wants a quick 2xx; the answers go out through the reply API, not in this response.
      res.json({});
      dispatch(deps, once, tasks);
    },
  );
  router.all(LINE_PATH, methodNotAllowed('POST', 'LINE delivers webhook events with POST.'));
  return router;
}

function invalidSignature(): HttpError {
  return new HttpError(
    401,
    'invalid_signature',
    'x-line-signature must be the base64 HMAC-SHA256 of the raw body, keyed with the channel secret (LINE_CHANNEL_SECRET).',
  );
}

/** The `x-line-signature` value LINE sends with `body`: base64 HMAC-SHA256 keyed with the channel secret. */
export function signLineBody(body: string | Buffer, channelSecret: string): string {
  return createHmac('sha256', channelSecret).update(body).digest('base64');
}

/** Whether `signature` is `body`'s signature under `channelSecret`, compared in constant time. */
export function verifyLineSignature(body: Buffer, signature: string | undefined, channelSecret: string): boolean {
  return constantTimeEqual(signature, signLineBody(body, channelSecret));
}

/**
 * Starts answering `tasks` without waiting: events of one conversation one after another (in the turn
 * path's order), so their answers keep their order; different conversations in parallel, so a slow reply
 * call holds up nobody else.
 */
function dispatch(deps: LineChannelDeps, once: OnceCache<void>, tasks: LineTask[]): void {
  for (const task of tasks) {
    const run = async () => {
      if (task.eventId === null) return handle(deps, task);
      const { first, result } = once.run(task.eventId, () => handle(deps, task));
      if (!first) deps.logger.debug('LINE event already answered', { webhookEventId: task.eventId });
      return result;
    };
    // An event without a conversation (no source id) is ordered with nothing else.
    const key = task.conversationId ?? `line:reply-token:${task.replyToken}`;
    const work = deps.turns.inOrder(key, run).catch((error: unknown) => {
      deps.logger.error('LINE event failed', { webhookEventId: task.eventId, ...describeError(error) });
    });
    deps.background.track(work);
  }
}

/** Answers one event and sends the reply; never rejects, so a dedupe entry stays once the event is handled. */
async function handle(deps: LineChannelDeps, task: LineTask): Promise<void> {
  const context = { webhookEventId: task.eventId, conversationId: task.conversationId };
  let reply: Reply | string;
  try {
    reply = task.kind === 'welcome' ? deps.turns.welcome() : await deps.turns.answer(task.conversationId, task.text);
  } catch (error) {
    deps.logger.error('LINE answer failed', { ...context, ...describeError(error) });
    reply = APOLOGY;
  }
  const url = `${deps.settings.apiUrl}/v2/bot/message/reply`;
  const body = { replyToken: task.replyToken, messages: [toLineMessage(reply)] };
  try {
    const response = await postJson(url, body, deps.settings.accessToken, deps.timeoutMs ?? OUTBOUND_TIMEOUT_MS);
    if (response.status >= 200 && response.status < 300) {
      deps.logger.debug('LINE reply sent', context);
      return;
    }
    deps.logger.error('LINE reply failed', { ...context, url, status: response.status, ...lineError(response.body) });
  } catch (error) {
    const status = error instanceof OutboundError ? error.status : null;
    deps.logger.error('LINE reply failed', {
      ...context,
      url,
      status,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/** LINE's error body is `{ message, details?: [{ message, property }] }`. */
function lineError(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) return { lineError: null };
  const fields: Record<string, unknown> = { lineError: typeof body.message === 'string' ? body.message : null };
  if (Array.isArray(body.details)) fields.lineDetails = body.details;
  return fields;
}

/**
 * The text message answering with `reply` (or a plain text): the text cut to {@link LINE_TEXT_LIMIT}, the
 * suggestions as message-action quick reply buttons within {@link LINE_QUICK_REPLY_LIMITS} (the label
 * shortened, the full question sent when tapped).
 */
export function toLineMessage(reply: Reply | string): LineTextMessage {
  const text = typeof reply === 'string' ? reply : reply.text;
  const suggestions = typeof reply === 'string' ? [] : reply.suggestions;
  const message: LineTextMessage = { type: 'text', text: fitText(text, LINE_TEXT_LIMIT) };
  const items = suggestions.slice(0, LINE_QUICK_REPLY_LIMITS.items).map(
    (s): QuickReplyItem => ({
      type: 'action',
      action: {
        type: 'message',
        label: fitText(s, LINE_QUICK_REPLY_LIMITS.label),
        text: fitText(s, LINE_QUICK_REPLY_LIMITS.text),
      },
    }),
  );
  if (items.length > 0) message.quickReply = { items };
  return message;
}

/**
 * Parses a webhook body into the events to answer: text messages, and `follow`/`join` for the welcome,
 * each with a reply token and in active mode. Every other event is dropped. Throws a 400
 * {@link HttpError} for a body that is not `{ "events": [ {...}, ... ] }`.
 */
export function parseLineWebhook(raw: Buffer): LineTask[] {
  const body = parseJsonBody(raw);
  if (!isRecord(body) || !Array.isArray(body.events) || !body.events.every(isRecord)) {
    throw new HttpError(
      400,
      'invalid_webhook',
      'A LINE webhook body must be a JSON object with an "events" array of objects.',
    );
  }
  const tasks: LineTask[] = [];
  for (const event of body.events) {
    const task = toTask(event);
    if (task) tasks.push(task);
  }
  return tasks;
}

function toTask(event: Record<string, unknown>): LineTask | null {
  // In standby mode another channel owns the chat and this one must not send messages.
  if (event.mode === 'standby') return null;
  const replyToken = event.replyToken;
  if (typeof replyToken !== 'string' || replyToken.length === 0) return null;
  const base = {
    eventId: typeof event.webhookEventId === 'string' && event.webhookEventId.length > 0 ? event.webhookEventId : null,
    replyToken,
    conversationId: conversationOf(event.source),
  };
  if (event.type === 'follow' || event.type === 'join') return { ...base, kind: 'welcome' };
  if (event.type !== 'message' || !isRecord(event.message)) return null;
  const { type, text } = event.message;
  if (type !== 'text' || typeof text !== 'string' || text.trim().length === 0) return null;
  return { ...base, kind: 'text', text: text.trim() };
}

function conversationOf(source: unknown): string | undefined {
  if (!isRecord(source)) return undefined;
  let id: unknown;
  switch (source.type) {
    case 'user':
      id = source.userId;
      break;
    case 'group':
      id = source.groupId;
      break;
    case 'room':
      id = source.roomId;
      break;
    default:
      return undefined;
  }
  return typeof id === 'string' && id.length > 0 ? `line:${source.type}:${id}` : undefined;
}
