import express, { type Router } from 'express';
import { type BodyRoute, postRoute } from '../../http/body.js';
import { sendError } from '../../http/errors.js';
import { type ChannelDeps, defineChannel } from '../channel.js';
import { BOT_FRAMEWORK_BODY_LIMIT, parseActivity } from './activity.js';
import type { Endpoint } from './endpoint.js';
import { type BotFrameworkSettings, readBotFrameworkSettings, serviceUrlAllowed } from './settings.js';

function notAllowed(serviceUrl: string): string {
  return `Without MicrosoftAppId the bot replies only to a serviceUrl on this machine (the Emulator's, the Agents Playground's) or one BOT_FRAMEWORK_SERVICE_URLS lists; ${new URL(serviceUrl).origin} is neither, so nothing was sent to it.`;
}

/** The Bot Framework messaging endpoint: always on; with an empty MicrosoftAppId, open to the Emulator. */
export const botFrameworkChannel = defineChannel('botFramework', {
  readSettings: readBotFrameworkSettings,
  routes: botFrameworkRoutes,
  // With an app id every activity carries a token the SDK checks; without one, anyone may post.
  signedPaths: (settings) => (settings.appId !== '' ? ['/api/messages'] : []),
  describe: (settings) => ({ authenticated: settings.appId !== '' }),
});

const ROUTE: BodyRoute = {
  limit: BOT_FRAMEWORK_BODY_LIMIT,
  typeMessage: 'Send the activity as Content-Type: application/json.',
  methodMessage: 'Bot Framework activities are sent with POST.',
};

/**
 * `POST /api/messages`: the Bot Framework messaging endpoint (Emulator, Azure Bot Service, Teams).
 *
 * The activity is validated before the SDK sees it (400 with a JSON error naming the field; 413 over
 * {@link BOT_FRAMEWORK_BODY_LIMIT}; 415 for a content type other than JSON), then authenticated by the SDK:
 * with an app id set, a request without a valid token is refused with 401 and never reaches the bot, and
 * one whose token cannot be checked in time with 503. Then {@link ArticleActivityHandler} runs the turn; replies go to
 * the activity's `serviceUrl`, or with `deliveryMode: "expectReplies"` come back in the response body as
 * `{ "activities": [...] }`. Without an app id, an activity whose serviceUrl is not on this machine (nor listed in
 * BOT_FRAMEWORK_SERVICE_URLS) is refused with 403 before any request goes out. A reply that cannot be delivered is logged and answered with 502; any other
 * failure gets an apology in the conversation and a 500 from the app's error boundary.
 */
export function botFrameworkRoutes(deps: ChannelDeps, settings: BotFrameworkSettings): Router {
  // The SDK is loaded with the first activity (see endpoint.ts), once.
  let endpoint: Promise<Endpoint> | undefined;
  const load = () => {
    endpoint ??= import('./endpoint.js').then((m) => m.createEndpoint(deps, settings));
    return endpoint;
  };
  const router = express.Router();
  postRoute(router, '/api/messages', ROUTE, async (req, res, body) => {
    const activity = parseActivity(body);
    // Without an app id anyone may post an activity: its serviceUrl must not make the bot an open relay.
    if (!serviceUrlAllowed(activity.serviceUrl, settings)) {
      sendError(res, 403, 'service_url_not_allowed', notAllowed(activity.serviceUrl));
      return;
    }
    await (await load())(req, res, activity);
  });
  return router;
}
