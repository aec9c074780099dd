import { createHmac } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { SlackSettings } from '../config.js';
import { OnceCache } from '../conversation/once.js';
import { OUTBOUND_TIMEOUT_MS, postJson } from '../conversation/outbound.js';
import type { Reply } from '../core/types.js';
import { isRecord, methodNotAllowed, parseJsonBody, rawBody, rawBodyOf, requireJson } from '../http/body.js';
import { constantTimeEqual } from '../http/constant-time.js';
import { HttpError } from '../http/errors.js';
import { describeError } from '../log.js';
import type { ChannelDeps } from './channel.js';
import { suggestionsNotInText } from './format.js';

/** Largest accepted request body. Event payloads are a few KiB. */
export const SLACK_BODY_LIMIT = 64 * 1024;
/** Requests whose X-Slack-Request-Timestamp is further than this from now are refused (replay protection). */
export const SLACK_MAX_CLOCK_SKEW_S = 300;

/** Options for tests; production uses the defaults. */
export interface SlackChannelOptions {
  /** How long a chat.postMessage call may take. */
  timeoutMs?: number;
  /** Called when the work started by one event is over (answered, ignored or failed), for tests to wait on. */
  onSettled?: (eventId: string) => void;
}

/** A question taken from a Slack event. */
export interface SlackQuestion {
  team: string;
  channel: string;
  /** The message's own ts, which identifies it within the channel. */
  ts: string;
  /** Set when the question was asked in a thread; the answer goes to the same thread. */
  threadTs?: string;
  /** The text with Slack's markup (mentions, links, escapes) removed. */
  text: string;
}

/**
 * `POST /api/slack/events`, the Events API request URL. Every request must be signed with the signing
 * secret (X-Slack-Signature over the raw body) and no more than five minutes old, else 401. Answers
 * `url_verification` with its challenge; acknowledges `event_callback`s at once with an empty 200 and
 * afterwards answers direct messages and mentions through `chat.postMessage` (in the question's thread
 * when it was asked in one), in the conversation `slack:<team>:<channel>[:<thread>]`. Messages from bots,
 * the bot itself included, and edits are ignored; a retried event is answered once. A failed
 * `chat.postMessage` is logged with Slack's error and never the token.
 */
export function slackChannel(deps: ChannelDeps & { settings: SlackSettings; options?: SlackChannelOptions }): Router {
  const { settings, logger } = deps;
  const options = deps.options ?? {};
  const timeoutMs = options.timeoutMs ?? OUTBOUND_TIMEOUT_MS;
  // Slack retries after about 1 and 5 minutes; an hour covers them all.
  const once = new OnceCache<void>({ ttlMs: 60 * 60_000, maxEntries: 10_000 });
  const router = express.Router();

  router.post(
    '/api/slack/events',
    requireJson('Slack sends events as Content-Type: application/json.'),
    rawBody(SLACK_BODY_LIMIT),
    (req: Request, res: Response) => {
      const raw = rawBodyOf(req);
      verifySlackRequest(
        settings.signingSecret,
        req.get('x-slack-request-timestamp'),
        req.get('x-slack-signature'),
        raw,
        Date.now(),
      );
      const body = parseJsonBody(raw);
      if (!isRecord(body)) throw new HttpError(400, 'invalid_request', 'The request body must be a JSON object.');

      if (body.type === 'url_verification') {
        if (typeof body.challenge !== 'string') {
          throw new HttpError(400, 'invalid_request', 'A url_verification request needs a "challenge" string.');
        }
        res.json({ challenge: body.challenge });
        return;
      }
      if (body.type !== 'event_callback') {
        // app_rate_limited and any type added later: acknowledged, nothing to answer.
        logger.debug('slack: request acknowledged without an answer', {
          type: typeof body.type === 'string' ? body.type : typeof body.type,
        });
        res.status(200).end();
        return;
      }
      const eventId = body.event_id;
      const event = body.event;
      if (
        typeof eventId !== 'string' ||
        typeof event !== 'object' ||
        event === null ||
        typeof body.team_id !== 'string'
      ) {
        throw new HttpError(
          400,
          'invalid_event',
          'An event_callback needs "event_id", "team_id" and an "event" object.',
        );
      }
      // Slack waits at most 3 s for this, so the answer is worked out after the acknowledgement.
      res.status(200).end();
      const question = questionFromEvent(body.team_id, event as Record<string, unknown>);
      if (question === null) {
        options.onSettled?.(eventId);
        return;
      }
      const retry = req.get('x-slack-retry-num');
      // The same message can come as app_mention and as message.im (different event ids), so a second key
      // per message keeps it from being answered twice.
      const messageKey = `message:${question.team}:${question.channel}:${question.ts}`;
      const { first, result } = once.run(
        `event:${eventId}`,
        () => once.run(messageKey, () => answer(question, eventId)).result,
      );
      if (!first) logger.info('slack: repeated event not answered again', { eventId, retry: retry ?? null });
      deps.background.track(result);
      void result.finally(() => options.onSettled?.(eventId));
    },
  );
  router.all('/api/slack/events', methodNotAllowed('POST', 'Slack posts events to this URL with POST.'));
  return router;

  /** Answers and posts; never rejects, so the cache keeps the event as handled whatever happened. */
  async function answer(question: SlackQuestion, eventId: string): Promise<void> {
    let reply: Reply;
    try {
      reply = await replyFor(question);
    } catch (error) {
      logger.error('slack: answering failed', { eventId, ...describeError(error) });
      return;
    }
    const message: Record<string, string> = { channel: question.channel, text: formatSlackText(reply) };
    if (question.threadTs !== undefined) message.thread_ts = question.threadTs;
    const url = `${settings.apiUrl}/chat.postMessage`;
    try {
      const response = await postJson(url, message, settings.botToken, timeoutMs);
      const result = response.body as { ok?: unknown; error?: unknown } | null;
      if (response.status !== 200 || result?.ok !== true) {
        logger.error('slack: chat.postMessage failed', {
          eventId,
          channel: question.channel,
          status: response.status,
          slackError: typeof result?.error === 'string' ? result.error : null,
        });
        return;
      }
      logger.debug('slack: answered', { eventId, channel: question.channel });
    } catch (error) {
      // postJson's errors name the URL and the cause, never the token.
      logger.error('slack: chat.postMessage failed', {
        eventId,
        channel: question.channel,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  function replyFor(question: SlackQuestion): Promise<Reply> {
    if (question.text === '') return Promise.resolve(deps.turns.welcome());
    const conversationId = `slack:${question.team}:${question.channel}${question.threadTs ? `:${question.threadTs}` : ''}`;
    return deps.turns.answer(conversationId, question.text);
  }
}

/** The X-Slack-Signature value for a request: `v0=` + hex HMAC-SHA256(secret, `v0:{timestamp}:{body}`). */
export function signSlackRequest(signingSecret: string, timestamp: string, body: string | Buffer): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(body);
  return `v0=${hmac.digest('hex')}`;
}

/**
 * Checks a request's signature (constant time) and that its timestamp is within
 * {@link SLACK_MAX_CLOCK_SKEW_S} of `nowMs`; throws a 401 {@link HttpError} saying which check failed.
 */
export function verifySlackRequest(
  signingSecret: string,
  timestamp: string | undefined,
  signature: string | undefined,
  body: Buffer,
  nowMs: number,
): void {
  if (timestamp === undefined || signature === undefined) {
    throw new HttpError(
      401,
      'missing_signature',
      'Slack requests carry X-Slack-Request-Timestamp and X-Slack-Signature headers.',
    );
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new HttpError(
      401,
      'invalid_timestamp',
      'X-Slack-Request-Timestamp must be the request time in Unix seconds.',
    );
  }
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SLACK_MAX_CLOCK_SKEW_S) {
    throw new HttpError(
      401,
      'stale_request',
      'X-Slack-Request-Timestamp is more than 5 minutes from now (check the server clock).',
    );
  }
  if (!constantTimeEqual(signature, signSlackRequest(signingSecret, timestamp, body))) {
    throw new HttpError(
      401,
      'invalid_signature',
      'X-Slack-Signature does not match the body (check SLACK_SIGNING_SECRET).',
    );
  }
}

/** Message subtypes that are still a person writing; every other subtype (edits, joins, bots) is not. */
const PERSON_SUBTYPES: ReadonlySet<string> = new Set(['file_share', 'thread_broadcast']);

/**
 * The question in an event, or null when the bot must not answer it: only direct messages
 * (`message` with `channel_type: "im"`) and `app_mention`s from people are questions.
 */
export function questionFromEvent(team: string, event: Record<string, unknown>): SlackQuestion | null {
  const isDirect = event.type === 'message' && event.channel_type === 'im';
  if (!isDirect && event.type !== 'app_mention') return null;
  // bot_id marks every bot's message, this bot's own replies included: answering them would loop.
  if (event.bot_id !== undefined && event.bot_id !== null) return null;
  if (event.subtype !== undefined && !(typeof event.subtype === 'string' && PERSON_SUBTYPES.has(event.subtype)))
    return null;
  const { user, channel, ts, text, thread_ts: threadTs } = event;
  if (typeof user !== 'string' || typeof channel !== 'string' || typeof ts !== 'string' || typeof text !== 'string') {
    return null;
  }
  const question: SlackQuestion = { team, channel, ts, text: cleanSlackText(text) };
  if (typeof threadTs === 'string') question.threadTs = threadTs;
  return question;
}

/**
 * Slack's message markup turned into plain words: user and group mentions removed (`<@U123>` is how the
 * bot is addressed), channels and links shown by their label, and `&amp;`, `&lt;`, `&gt;` decoded.
 */
export function cleanSlackText(text: string): string {
  return text
    .replace(/<([@!])[^>]*>/g, ' ')
    .replace(/<#[A-Z0-9]+\|([^>]*)>/g, '#$1')
    .replace(/<([^>|]+)\|([^>]*)>/g, '$2')
    .replace(/<([^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** `&`, `<` and `>` are Slack's control characters in message text. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The reply as Slack message text: the complete answer, lines that carry a quotation as blockquotes,
 * then the suggested questions the answer does not already name (a fallback names its own) as a list.
 */
export function formatSlackText(reply: Reply): string {
  const lines = reply.text.split('\n').map((line) => {
    const quoted = reply.quotes.some((q) => line.includes(q.text));
    return quoted ? `> ${escapeSlack(line)}` : escapeSlack(line);
  });
  const text = lines.join('\n');
  const suggestions = suggestionsNotInText(reply);
  if (suggestions.length === 0) return text;
  return `${text}\n\n*You could ask:*\n${suggestions.map((s) => `• ${escapeSlack(s)}`).join('\n')}`;
}
