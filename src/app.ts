import express, { type Express } from 'express';
import type { ChannelDeps } from './channels/channel.js';
import { type ChannelSettings, channelRouters, readChannelSettings, signedPaths } from './channels/index.js';
import { BackgroundWork } from './conversation/background.js';
import { type DedupeFactory, memoryDedupe } from './conversation/once.js';
import { Turns } from './conversation/turns.js';
import type { Engine } from './core/respond.js';
import { constantTimeEqual } from './http/constant-time.js';
import { errorBoundary, STORE_RETRY_AFTER_S } from './http/error-boundary.js';
import { sendError } from './http/errors.js';
import type { Metrics } from './http/metrics.js';
import { type Limiter, limitPerAddress, type RateLimit, RateLimiter } from './http/rate-limit.js';
import { requestContext } from './http/request-context.js';
import type { Logger } from './log.js';
import type { ConversationStore } from './store/conversations/store.js';
import type { UnansweredRecorder } from './store/unanswered.js';

/** What the HTTP app is built from; tests pass their own. */
export interface AppDeps {
  engine: Engine;
  conversations: ConversationStore;
  logger: Logger;
  /**
   * Each channel's settings by name (null: not mounted, its routes answer 404). A channel left out gets what an
   * empty environment gives it: the webhook unsigned, /api/messages open to the Emulator, the web page on, and
   * every platform off.
   */
  channels?: Partial<ChannelSettings>;
  /** Requests per minute per client address (429 over it); 0 or omitted: no limit. */
  perAddressLimit?: number;
  /** Questions per minute per conversation (429 on the webhook, a "please wait" reply elsewhere); 0: none. */
  perConversationLimit?: number;
  /** Where channels track work that outlives its request (Slack and LINE answers); main drains it at shutdown. */
  background?: BackgroundWork;
  /** Express's `trust proxy`: how many reverse proxies stand in front, so `req.ip` is the client's address. */
  trustProxy?: number | false;
  /** Prometheus metrics, served at GET /metrics (behind `metricsToken` when given); none when omitted. */
  metrics?: Metrics;
  metricsToken?: string | null;
  /** Where fallbacks and unsure answers are kept for `npm run review`; none when omitted. */
  unanswered?: UnansweredRecorder;
  /** Makes the rate limits' buckets: this process's memory when omitted, Redis with REDIS_URL. */
  limiter?: (name: 'address' | 'conversation', limit: RateLimit) => Limiter;
  /** Makes each platform's dedupe of retried deliveries: this process's memory when omitted, Redis with REDIS_URL. */
  dedupe?: DedupeFactory;
}

/** The turn path of each app, so {@link reloadEngine} can swap its engine. */
const turnsOf = new WeakMap<Express, Turns>();

/**
 * Answers every question the app gets from now on with `engine` (the article re-read and retrained), atomically:
 * questions already being answered finish on the engine they started with.
 */
export function reloadEngine(app: Express, engine: Engine): void {
  turnsOf.get(app)?.replaceEngine(engine);
}

/** Builds the Express app (health check, every channel that is on, JSON error boundary) without listening. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', deps.trustProxy ?? false);

  const { metrics } = deps;
  app.use(requestContext(deps.logger, metrics?.requestFinished));
  if (metrics) {
    app.get('/metrics', async (req, res) => {
      if (deps.metricsToken && !constantTimeEqual(req.get('authorization'), `Bearer ${deps.metricsToken}`)) {
        sendError(res, 401, 'unauthorized', 'GET /metrics needs "Authorization: Bearer <METRICS_TOKEN>".');
        return;
      }
      res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  }
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Alive is not ready: while turns cannot be stored (a full disk), a supervisor or load balancer should send
  // questions elsewhere.
  app.get('/readyz', async (_req, res) => {
    const reason = (await deps.conversations.unwritable?.()) ?? null;
    if (reason === null) {
      res.json({ status: 'ready' });
      return;
    }
    res.set('Retry-After', String(STORE_RETRY_AFTER_S));
    sendError(res, 503, 'not_ready', `Turns cannot be stored: ${reason}.`);
  });
  const settings: ChannelSettings = { ...readChannelSettings({}), ...deps.channels };
  const makeLimiter = deps.limiter ?? ((_name: string, limit: RateLimit) => new RateLimiter(limit));
  if (deps.perAddressLimit) {
    // Platforms deliver every user's messages from a few addresses: their signed routes are limited per
    // conversation only, or one busy platform would be capped at the limit of one client.
    const limiter = makeLimiter('address', { requests: deps.perAddressLimit, windowMs: 60_000 });
    app.use(limitPerAddress(limiter, signedPaths(settings), () => metrics?.rateLimited('address')));
  }
  const limiter = deps.perConversationLimit
    ? makeLimiter('conversation', { requests: deps.perConversationLimit, windowMs: 60_000 })
    : undefined;
  const turns = new Turns({
    engine: deps.engine,
    conversations: deps.conversations,
    limiter,
    metrics,
    unanswered: deps.unanswered,
  });
  turnsOf.set(app, turns);
  const channelDeps: ChannelDeps = {
    turns,
    logger: deps.logger,
    metrics,
    background: deps.background ?? new BackgroundWork(),
    dedupe: deps.dedupe ?? memoryDedupe,
  };
  for (const router of channelRouters(settings, channelDeps)) app.use(router);

  app.use((req, res) => {
    sendError(res, 404, 'not_found', `No route for ${req.method} ${req.path}.`);
  });
  app.use(errorBoundary(deps.logger));
  return app;
}
