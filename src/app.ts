import type { Storage } from 'botbuilder';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { BackgroundWork } from './channels/background.js';
import { botFrameworkChannel } from './channels/bot-framework.js';
import type { ChannelDeps } from './channels/channel.js';
import { HttpError, sendError } from './channels/http-errors.js';
import { jsonWebhook } from './channels/json-webhook.js';
import { lineChannel } from './channels/line.js';
import { slackChannel } from './channels/slack.js';
import { telegramChannel } from './channels/telegram.js';
import { webPage } from './channels/web.js';
import { wechatChannel } from './channels/wechat.js';
import { type ChannelSettings, NO_CHANNELS } from './config.js';
import type { Engine } from './core/respond.js';
import { limitPerAddress, RateLimitedError, RateLimiter } from './http/rate-limit.js';
import { requestContext } from './http/request-context.js';
import { describeError, type Logger } from './log.js';
import type { ConversationStore } from './store/conversations.js';

/** What the HTTP app is built from; tests pass their own. */
export interface AppDeps {
  engine: Engine;
  conversations: ConversationStore;
  /** Bot Framework conversation state (botbuilder Storage); main passes the same store as `conversations`. In memory when omitted. */
  storage?: Storage;
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
  const base: ChannelDeps = {
    engine: deps.engine,
    conversations: deps.conversations,
    logger: deps.logger,
    background: deps.background ?? new BackgroundWork(),
  };
  if (deps.perConversationLimit) {
    base.conversationLimiter = new RateLimiter({ requests: deps.perConversationLimit, windowMs: 60_000 });
  }
  // The busiest routes first: Express tries every layer in order, so a webhook request skips the others.
  // Every router answers its own paths only, so the order changes nothing else.
  app.use(jsonWebhook({ ...base, secret: deps.webhookSecret }));
  app.use(botFrameworkChannel({ ...base, settings: channels.botFramework, storage: deps.storage }));
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

/** body-parser errors carry `status` and `type`; map them to the JSON error shape. */
interface ParserError {
  status?: number;
  type?: string;
}

function errorBoundary(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (res.headersSent) {
      logger.error('error after the response started', { path: req.path, ...describeError(error) });
      res.end();
      return;
    }
    if (error instanceof HttpError) {
      if (error instanceof RateLimitedError) res.set('Retry-After', String(error.retryAfterSeconds));
      sendError(res, error.status, error.code, error.message);
      return;
    }
    const parser = error as ParserError;
    if (parser.type === 'entity.too.large') {
      sendError(res, 413, 'payload_too_large', 'The request body is too large.');
      return;
    }
    if (typeof parser.status === 'number' && parser.status >= 400 && parser.status < 500) {
      sendError(
        res,
        parser.status,
        parser.type?.replace(/\./g, '_') ?? 'bad_request',
        'The request could not be read.',
      );
      return;
    }
    logger.error('unhandled error', { path: req.path, ...describeError(error) });
    sendError(res, 500, 'internal_error', 'Something went wrong on our side; please try again.');
  };
}
