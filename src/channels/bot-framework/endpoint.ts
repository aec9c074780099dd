import { type Activity, CloudAdapter, type InvokeResponse, type TurnContext } from 'botbuilder';
import type { Request, Response } from 'express';
import { APOLOGY } from '../../conversation/turns.js';
import { sendError } from '../../http/errors.js';
import { describeError } from '../../log.js';
import type { ChannelDeps } from '../channel.js';
import { BotAuthError, createBotFrameworkAuthentication } from './auth.js';
import { ArticleActivityHandler, ReplyNotDeliveredError } from './handler.js';
import type { BotFrameworkSettings } from './settings.js';

// Everything of the Bot Framework SDK the channel needs, in one module that src/channels/bot-framework/index.ts
// loads when the first activity arrives: the SDK takes about half a second to import, which the server's start
// would otherwise pay whether or not anyone uses /api/messages.

/** A CloudAdapter whose turn entry point takes an activity already parsed and validated at the HTTP edge. */
class ParsedActivityAdapter extends CloudAdapter {
  /** Authenticates and runs one turn; resolves with the invoke or expectReplies response, if any. */
  handle(
    authHeader: string,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

/** Answers one validated activity: authenticates it, runs the turn, and writes the HTTP response. */
export type Endpoint = (req: Request, res: Response, activity: Activity) => Promise<void>;

/** The endpoint for these settings: the SDK's adapter, the bot's activity handler, and the errors mapped to HTTP. */
export function createEndpoint(deps: ChannelDeps, settings: BotFrameworkSettings): Endpoint {
  const { logger } = deps;
  const adapter = new ParsedActivityAdapter(createBotFrameworkAuthentication(settings));
  adapter.onTurnError = async (context, error) => {
    // A reply that could not be delivered leaves no way to deliver an apology either.
    if (!(error instanceof ReplyNotDeliveredError)) {
      await context.sendActivity(APOLOGY).catch((apologyError: unknown) => {
        logger.debug('bot framework apology not delivered', describeError(apologyError));
      });
    }
    throw error;
  };
  const handler = new ArticleActivityHandler(deps.turns);
  // A message activity the channel delivers again (its id seen before) is answered with the first response,
  // without a second turn; an hour covers the Bot Framework's retries.
  const once = deps.dedupe<InvokeResponse | null>('botframework', 60 * 60_000, () =>
    deps.metrics?.deduplicated('botframework'),
  );

  return async (req, res, activity) => {
    let response: InvokeResponse | undefined;
    try {
      const turn = async () =>
        (await adapter.handle(req.get('authorization') ?? '', activity, (context) => handler.run(context))) ?? null;
      if (activity.type === 'message' && typeof activity.id === 'string' && activity.id !== '') {
        const key = `${activity.channelId}:${activity.conversation.id}:${activity.id}`;
        const { first, result } = await once.run(key, turn);
        if (!first) logger.debug('bot framework activity delivered again; first response repeated', { key });
        response = (await result) ?? undefined;
      } else {
        response = (await turn()) ?? undefined;
      }
    } catch (error) {
      const where = { channelId: activity.channelId, conversationId: activity.conversation.id, type: activity.type };
      if (error instanceof BotAuthError) {
        logger.warn('bot framework request refused', { ...where, status: error.status, reason: error.message });
        if (error.status === 503) res.set('Retry-After', '5');
        if (error.status === 401) sendError(res, 401, 'unauthorized', UNAUTHORIZED);
        else sendError(res, 503, 'auth_unavailable', AUTH_UNAVAILABLE);
        return;
      }
      if (error instanceof ReplyNotDeliveredError) {
        const why = reason(error.cause);
        logger.error('bot framework reply not delivered', { ...where, serviceUrl: error.serviceUrl, reason: why });
        sendError(
          res,
          502,
          'reply_not_delivered',
          'The reply could not be delivered to serviceUrl; the bot logged why.',
        );
        return;
      }
      throw error;
    }
    if (response?.body === undefined) {
      res.status(response?.status ?? 200).end();
    } else {
      res.status(response.status).json(response.body);
    }
  };
}

const UNAUTHORIZED =
  'A valid Bot Framework token is required: "Authorization: Bearer <token>" issued for this bot\'s MicrosoftAppId.';
const AUTH_UNAVAILABLE =
  "The token could not be checked: Bot Framework's signing keys could not be fetched in time. Try again shortly.";

/** Why a connector call failed, for the log: the error's own words, never request headers. */
function reason(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  if (cause.name === 'AbortError') return 'no answer within the reply timeout';
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'string' && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message;
}
