/**
 * Composition root: `npm start`. Reads the configuration once (the server's and every channel's), loads the
 * article and intents from ARTICLE_DIR, trains the recognizer, opens the conversation store (STATE_FILE, or Redis
 * with REDIS_URL, where the dedupe keys, rate limits and review are then kept too), serves HTTP on PORT, reloads
 * the article on SIGHUP, and shuts down cleanly on SIGTERM/SIGINT.
 */
import path from 'node:path';
import dotenv from 'dotenv';
import { createApp, reloadEngine } from './app.js';
import { type Bot, loadBot, PREPARED_FILE } from './bot.js';
import { type ChannelSettings, describeChannels, readChannelSettings } from './channels/index.js';
import { type Config, PROJECT_ROOT, readConfig } from './config.js';
import { BackgroundWork } from './conversation/background.js';
import { redisDedupe } from './conversation/redis-once.js';
import { ConfigError, misspeltVariables } from './env.js';
import { Metrics } from './http/metrics.js';
import { RedisRateLimiter } from './http/redis-rate-limit.js';
import { listen } from './http/server.js';
import { createLogger, describeError, type Logger } from './log.js';
import { type ConversationStore, LowConversationStore } from './store/conversations/store.js';
import type { Preparation } from './store/prepared.js';
import type { SharedRedis } from './store/redis/client.js';
import { RedisConversationStore } from './store/redis/conversations.js';
import { redactedUrl } from './store/redis/shared.js';
import { RedisUnanswered } from './store/redis/unanswered.js';
import { UnansweredLog, type UnansweredRecorder } from './store/unanswered.js';

/** Why this start trained the recognizers (about a second) instead of reading the prepared bot. */
function logTraining(logger: Logger, why: Exclude<Preparation, 'used'>): void {
  const file = path.relative(PROJECT_ROOT, PREPARED_FILE);
  const reason = {
    missing: `there is no ${file}`,
    stale: `${file} was made from another article, other code or other options`,
    unreadable: `${file} cannot be read`,
  }[why];
  const line = `recognizers trained at start-up: ${reason}; npm run build prepares them for the project's article`;
  if (why === 'unreadable') logger.warn(line, { preparedBot: why });
  else logger.info(line, { preparedBot: why });
}

async function main(): Promise<void> {
  // From the project folder, as .env.example says, wherever the server is started from.
  dotenv.config({ path: path.join(PROJECT_ROOT, '.env'), quiet: true });
  let config: Config;
  let channels: ChannelSettings;
  try {
    config = readConfig();
    channels = readChannelSettings();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, undefined, config.logFormat === 'auto');
  for (const { name, meant } of misspeltVariables(process.env)) {
    logger.warn(`${name} is not a variable the bot reads; did you mean ${meant}?`, { variable: name, meant });
  }
  // With REDIS_URL every instance shares the conversations, the dedupe keys, the rate limits and the review; an
  // unreachable Redis stops the start here, before the article is loaded, with a message naming REDIS_URL.
  // node-redis is loaded only then: importing it takes about 0.2 s and 20 MB.
  let redis: SharedRedis | null = null;
  if (config.redis) redis = await (await import('./store/redis/client.js')).SharedRedis.connect(config.redis, logger);
  const started = performance.now();
  // The conversation store is opened while the article loads: its file reads overlap the bot's start.
  const [bot, conversations] = await Promise.all<[Promise<Bot>, ConversationStore | Promise<ConversationStore>]>([
    loadBot(config.articleDir),
    redis
      ? new RedisConversationStore(redis, {
          idleTtlMs: config.conversationTtlMs,
          lockMs: config.redis!.lockMs,
          lockWaitMs: config.redis!.lockWaitMs,
          logger,
        })
      : LowConversationStore.open(config.stateFile, { logger, idleTtlMs: config.conversationTtlMs }),
  ]);
  if (bot.preparation !== 'used') logTraining(logger, bot.preparation);
  let unanswered: UnansweredRecorder | undefined;
  if (config.unansweredFile)
    unanswered = redis ? new RedisUnanswered(redis, logger) : await UnansweredLog.open(config.unansweredFile);
  const background = new BackgroundWork();
  const app = createApp({
    engine: bot.engine,
    conversations,
    logger,
    channels,
    perAddressLimit: config.rateLimits.perAddress,
    perConversationLimit: config.rateLimits.perConversation,
    background,
    trustProxy: config.trustProxy,
    metrics: new Metrics(),
    metricsToken: config.metricsToken,
    unanswered,
    ...(redis && {
      limiter: (name, limit) => new RedisRateLimiter(redis, name, limit, logger),
      dedupe: redisDedupe(redis),
    }),
  });

  const server = await listen(app, config.port, { host: config.host, connections: config.connections }).catch(
    (error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      const hint = code === 'EADDRINUSE' ? `; port ${config.port} is in use, set PORT to another port` : '';
      logger.error(`cannot listen${hint}`, describeError(error));
      return process.exit(1);
    },
  );
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info('article bot ready', {
    url: listenUrl(config.host, port),
    intents: bot.intents.length,
    // performance.now() counts from process start, so this includes loading the code, not only the data.
    startupMs: Math.round(performance.now()),
    loadMs: Math.round(performance.now() - started),
    preparedBot: bot.preparation,
    article: config.articleDir,
    state: config.redis ? `redis ${redactedUrl(config.redis.url)} (prefix ${config.redis.prefix})` : config.stateFile,
    channels: describeChannels(channels),
    rateLimits: config.rateLimits,
  });

  // Stop accepting, let requests in flight finish, let answers still being posted (Slack, LINE) go out,
  // then write the conversation store and exit 0; whatever still hangs after 5 s is given up with exit 1.
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal, inFlightAnswers: background.pending });
    setTimeout(() => {
      logger.warn('forcing exit: work still open after 5 s', { inFlightAnswers: background.pending });
      process.exit(1);
    }, 5000).unref();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    closed
      .then(() => background.drain())
      .then(() =>
        unanswered
          ?.close()
          .catch((error: unknown) => logger.warn('unanswered questions not written', describeError(error))),
      )
      .then(() => conversations.close())
      .then(() => redis?.close())
      .then(
        () => {
          // A supervisor must see a shutdown that could not write the last snapshot.
          if (conversations.flushFailed) {
            logger.error('shutdown: the conversation store could not be written; exiting 1');
            process.exit(1);
          }
          process.exit(0);
        },
        (error: unknown) => {
          logger.error('shutdown failed', describeError(error));
          process.exit(1);
        },
      );
  };
  // SIGHUP: data/ and intents/ are read again, validated and trained on while the old engine answers; then the
  // new one answers every question that starts after. A bad file keeps the old engine and says what is wrong.
  let reloading = false;
  process.on('SIGHUP', () => {
    if (reloading || stopping) return;
    reloading = true;
    const began = performance.now();
    loadBot(config.articleDir)
      .then((fresh) => {
        reloadEngine(app, fresh.engine);
        logger.info('article reloaded', {
          article: config.articleDir,
          intents: fresh.intents.length,
          preparedBot: fresh.preparation,
          loadMs: Math.round(performance.now() - began),
        });
      })
      .catch((error: unknown) => {
        logger.error('reload failed; still answering from the article as it was', describeError(error));
      })
      .finally(() => {
        reloading = false;
      });
  });
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** Where the server can be reached: its HOST (an IPv6 address in brackets), or localhost for every interface. */
function listenUrl(host: string | undefined, port: number): string {
  const everywhere = host === undefined || host === '0.0.0.0' || host === '::';
  const name = everywhere ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

main().catch((error: unknown) => {
  process.stderr.write(`The article bot could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
