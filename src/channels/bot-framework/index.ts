import { type Activity, CloudAdapter, type InvokeResponse, type TurnContext } from 'botbuilder';
import express, { type Router } from 'express';
import { APOLOGY } from '../../conversation/turns.js';
import { type BodyRoute, postRoute } from '../../http/body.js';
import { sendError } from '../../http/errors.js';
import { describeError } from '../../log.js';
import { type ChannelDeps, defineChannel } from '../channel.js';
import { BOT_FRAMEWORK_BODY_LIMIT, parseActivity } from './activity.js';
import { BotAuthError, createBotFrameworkAuthentication } from './auth.js';
import { ArticleActivityHandler, ReplyNotDeliveredError } from './handler.js';
import { type BotFrameworkSettings, readBotFrameworkSettings } from './settings.js';

/** The Bot Framework messaging endpoint: always on; with an empty MicrosoftAppId, open to the Emulator. */
export const botFrameworkChannel = defineChannel('botFramework', {
  readSettings: readBotFrameworkSettings,
  routes: botFrameworkRoutes,
  describe: (settings) => ({ authenticated: settings.appId !== '' }),
});

const ROUTE: BodyRoute = {
  limit: BOT_FRAMEWORK_BODY_LIMIT,
  typeMessage: 'Send the activity as Content-Type: application/json.',
  methodMessage: 'Bot Framework activities are sent with POST.',
};

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

/**
 * `POST /api/messages`: the Bot Framework messaging endpoint (Emulator, Azure Bot Service, Teams).
 *
 * The activity is validated before the SDK sees it (400 with a JSON error naming the field; 413 over
 * {@link BOT_FRAMEWORK_BODY_LIMIT}; 415 for a content type other than JSON), then authenticated by the SDK:
 * with an app id set, a request without a valid token is refused with 401 and never reaches the bot, and
 * one whose token cannot be checked in time with 503. Then {@link ArticleActivityHandler} runs the turn; replies go to
 * the activity's `serviceUrl`, or with `deliveryMode: "expectReplies"` come back in the response body as
 * `{ "activities": [...] }`. A reply that cannot be delivered is logged and answered with 502; any other
 * failure gets an apology in the conversation and a 500 from the app's error boundary.
 */
export function botFrameworkRoutes(deps: ChannelDeps, settings: BotFrameworkSettings): Router {
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

  const router = express.Router();
  postRoute(router, '/api/messages', ROUTE, async (req, res, body) => {
    const activity = parseActivity(body);
    let response: InvokeResponse | undefined;
    try {
      response = await adapter.handle(req.get('authorization') ?? '', activity, (context) => handler.run(context));
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
  });
  return router;
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
