import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Dedupe } from '../../conversation/once.js';
import { OutboundError, postJson } from '../../conversation/outbound.js';
import { APOLOGY } from '../../conversation/turns.js';
import type { Reply } from '../../core/types.js';
import { type BodyRoute, isRecord, postRoute } from '../../http/body.js';
import { HttpError } from '../../http/errors.js';
import { describeError } from '../../log.js';
import { type ChannelDeps, defineChannel } from '../channel.js';
import { toLineMessage } from './reply.js';
import { type LineSettings, readLineSettings } from './settings.js';
import { verifyLineSignature } from './signature.js';
import { type LineTask, parseLineWebhook } from './webhook.js';

/** The webhook route set in the LINE Developers console as `https://<host>/api/line`. */
export const LINE_PATH = '/api/line';
/** Largest accepted webhook body; LINE may batch several events, each text at most 5,000 characters. */
export const LINE_BODY_LIMIT = 256 * 1024;

const SIGNATURE_HEADER = 'x-line-signature';

/** Without a signature there is nothing to verify, so the body is not even read. */
function requireSignatureHeader(req: Request, _res: Response, next: NextFunction): void {
  if (!req.get(SIGNATURE_HEADER)) throw invalidSignature();
  next();
}

const ROUTE: BodyRoute = {
  before: [requireSignatureHeader],
  typeMessage: 'LINE webhooks are sent as Content-Type: application/json.',
  limit: LINE_BODY_LIMIT,
  methodMessage: 'LINE delivers webhook events with POST.',
};

/** LINE's Messaging API webhook: on when LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN are set. */
export const lineChannel = defineChannel('line', {
  readSettings: readLineSettings,
  routes: lineRoutes,
  signedPaths: () => [LINE_PATH],
});

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
export function lineRoutes(deps: ChannelDeps, settings: LineSettings): Router {
  // LINE redelivers (when redelivery is on) for a limited time; a day comfortably covers it.
  const once = deps.dedupe<void>('line', 24 * 60 * 60 * 1000, () => deps.metrics?.deduplicated('line'));
  const router = express.Router();
  postRoute(router, LINE_PATH, ROUTE, (req, res, raw) => {
    if (!verifyLineSignature(raw, req.get(SIGNATURE_HEADER), settings.secret)) throw invalidSignature();
    const tasks = parseLineWebhook(raw);
    // LINE wants a quick 2xx; the answers go out through the reply API, not in this response.
    res.json({});
    dispatch(deps, settings, once, tasks);
  });
  return router;
}

function invalidSignature(): HttpError {
  return new HttpError(
    401,
    'invalid_signature',
    'x-line-signature must be the base64 HMAC-SHA256 of the raw body, keyed with the channel secret (LINE_CHANNEL_SECRET).',
  );
}

/**
 * Starts answering `tasks` without waiting: events of one conversation one after another (in the turn
 * path's order), so their answers keep their order; different conversations in parallel, so a slow reply
 * call holds up nobody else.
 */
function dispatch(deps: ChannelDeps, settings: LineSettings, once: Dedupe<void>, tasks: LineTask[]): void {
  for (const task of tasks) {
    const run = async () => {
      if (task.eventId === null) return handle(deps, settings, task);
      const { first, result } = await once.run(task.eventId, () => handle(deps, settings, task));
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
async function handle(deps: ChannelDeps, settings: LineSettings, task: LineTask): Promise<void> {
  const context = { webhookEventId: task.eventId, conversationId: task.conversationId };
  let reply: Reply | string;
  try {
    reply = task.kind === 'welcome' ? deps.turns.welcome() : await deps.turns.answer(task.conversationId, task.text);
  } catch (error) {
    deps.logger.error('LINE answer failed', { ...context, ...describeError(error) });
    reply = APOLOGY;
  }
  const url = `${settings.api.url}/v2/bot/message/reply`;
  const body = { replyToken: task.replyToken, messages: [toLineMessage(reply)] };
  try {
    const response = await postJson(url, body, settings.api.token, settings.api.timeoutMs);
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
