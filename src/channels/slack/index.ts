import express, { type Router } from 'express';
import { postJson } from '../../conversation/outbound.js';
import type { Reply } from '../../core/types.js';
import { isRecord, parseJsonBody, postRoute } from '../../http/body.js';
import { HttpError } from '../../http/errors.js';
import { describeError } from '../../log.js';
import { type ChannelDeps, defineChannel } from '../channel.js';
import { questionFromEvent, type SlackQuestion } from './event.js';
import { formatSlackText } from './reply.js';
import { readSlackSettings, type SlackSettings } from './settings.js';
import { verifySlackRequest } from './signature.js';

/** Slack's Events API: on when SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN are set. */
/** Where Slack's Events API posts. */
export const SLACK_PATH = '/api/slack/events';

export const slackChannel = defineChannel('slack', {
  readSettings: readSlackSettings,
  routes: slackRoutes,
  signedPaths: () => [SLACK_PATH],
});

/** Largest accepted request body. Event payloads are a few KiB. */
export const SLACK_BODY_LIMIT = 64 * 1024;

/**
 * `POST /api/slack/events`, the Events API request URL. Every request must be signed with the signing
 * secret (X-Slack-Signature over the raw body) and no more than five minutes old, else 401. Answers
 * `url_verification` with its challenge; acknowledges `event_callback`s at once with an empty 200 and
 * afterwards answers direct messages and mentions through `chat.postMessage` (in the question's thread
 * when it was asked in one), in the conversation `slack:<team>:<channel>[:<thread>]`. Messages from bots,
 * the bot itself included, and edits are ignored; a retried event is answered once. A failed
 * `chat.postMessage` is logged with Slack's error and never the token.
 */
export function slackRoutes(deps: ChannelDeps, settings: SlackSettings): Router {
  const { logger } = deps;
  // Slack retries after about 1 and 5 minutes; an hour covers them all.
  const once = deps.dedupe<void>('slack', 60 * 60_000, () => deps.metrics?.deduplicated('slack'));
  const router = express.Router();

  const route = {
    typeMessage: 'Slack sends events as Content-Type: application/json.',
    limit: SLACK_BODY_LIMIT,
    methodMessage: 'Slack posts events to this URL with POST.',
  };
  postRoute(router, SLACK_PATH, route, async (req, res, raw) => {
    verifySlackRequest(
      settings.secret,
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
      throw new HttpError(400, 'invalid_event', 'An event_callback needs "event_id", "team_id" and an "event" object.');
    }
    const question = questionFromEvent(body.team_id, event as Record<string, unknown>);
    if (question === null) {
      res.status(200).end();
      return;
    }
    const retry = req.get('x-slack-retry-num');
    // The same message can come as app_mention and as message.im (different event ids), so a second key
    // per message keeps it from being answered twice. Both are checked before the acknowledgement: with shared
    // state out of reach (Redis) the event gets a 503, and Slack delivers it again.
    const { first, result } = await once.run(`event:${eventId}`, () =>
      once.run(messageKey(question), () => answer(question, eventId)).then((r) => r.result),
    );
    // Slack waits at most 3 s for this, so the answer is worked out after the acknowledgement.
    res.status(200).end();
    if (!first) logger.info('slack: repeated event not answered again', { eventId, retry: retry ?? null });
    deps.background.track(result);
  });
  return router;

  function messageKey(question: SlackQuestion): string {
    return `message:${question.team}:${question.channel}:${question.ts}`;
  }

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
    const url = `${settings.api.url}/chat.postMessage`;
    try {
      const response = await postJson(url, message, settings.api.token, settings.api.timeoutMs);
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
