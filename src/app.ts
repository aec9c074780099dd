import express, { type Express } from 'express';
import { botFrameworkChannel } from './channels/bot-framework.js';
import type { ChannelDeps } from './channels/channel.js';
import { jsonWebhook } from './channels/json-webhook.js';
import { lineChannel } from './channels/line.js';
import { slackChannel } from './channels/slack.js';
import { telegramChannel } from './channels/telegram.js';
import { webPage } from './channels/web.js';
import { wechatChannel } from './channels/wechat.js';
import { type ChannelSettings, NO_CHANNELS } from './config.js';
import { BackgroundWork } from './conversation/background.js';
import { Turns } from './conversation/turns.js';
import type { Engine } from './core/respond.js';
import { errorBoundary } from './http/error-boundary.js';
import { sendError } from './http/errors.js';
import { limitPerAddress, RateLimiter } from './http/rate-limit.js';
import { requestContext } from './http/request-context.js';
import type { Logger } from './log.js';
import type { ConversationStore } from './store/conversations/store.js';

/** What the HTTP app is built from; tests pass their own. */
export interface AppDeps {
  engine: Engine;
  conversations: ConversationStore;
  logger: Logger;
  webhookSecret: string | null;
  /** Bot Framework and platform settings; by default every platform is off and /api/messages is open to the Emulator. */
  channels?: ChannelSettings;
  /** Requests per minute per client address (429 over it); 0 or omitted: no limit. */
  perAddressLimit?: number;
  /** Questions per minute per conversation (429 on the webhook, a "please wait" reply elsewhere); 0 or omitted: no limit. */
  perConversationLimit?: number;
  /** Where channels track work that outlives its request (Slack and LINE answers); main drains it at shutdown. */
  background?: BackgroundWork;
  /** Express's `trust proxy`: how many reverse proxies stand in front, so `req.ip` is the client's address. */
  trustProxy?: number | false;
}

/** Builds the Express app (routes, health check, JSON error boundary) without listening. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', deps.trustProxy ?? false);

  app.use(requestContext(deps.logger));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  if (deps.perAddressLimit) {
    app.use(limitPerAddress(new RateLimiter({ requests: deps.perAddressLimit, windowMs: 60_000 })));
  }
  const channels = deps.channels ?? NO_CHANNELS;
  const limiter = deps.perConversationLimit
    ? new RateLimiter({ requests: deps.perConversationLimit, windowMs: 60_000 })
    : undefined;
  const base: ChannelDeps = {
    turns: new Turns({ engine: deps.engine, conversations: deps.conversations, limiter }),
    logger: deps.logger,
    background: deps.background ?? new BackgroundWork(),
  };
  // The busiest routes first: Express tries every layer in order, so a webhook request skips the others.
  // Every router answers its own paths only, so the order changes nothing else.
  app.use(jsonWebhook({ ...base, secret: deps.webhookSecret }));
  app.use(botFrameworkChannel({ ...base, settings: channels.botFramework }));
  // A platform without its secrets is not mounted, so its route falls through to the 404 below.
  if (channels.telegram) app.use(telegramChannel({ ...base, settings: channels.telegram }));
  if (channels.slack) app.use(slackChannel({ ...base, settings: channels.slack }));
  if (channels.wechat) app.use(wechatChannel({ ...base, settings: channels.wechat }));
  if (channels.line) app.use(lineChannel({ ...base, settings: channels.line }));
  app.use(webPage());

  app.use((req, res) => {
    sendError(res, 404, 'not_found', `No route for ${req.method} ${req.path}.`);
  });
  app.use(errorBoundary(deps.logger));
  return app;
}
