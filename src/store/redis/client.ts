import { createClient } from 'redis';
import { describeError, type Logger } from '../../log.js';
import { StoreUnavailableError } from '../errors.js';
import { redactedUrl, type Script, throttle } from './shared.js';

/** How to reach Redis: every key starts with `prefix`, and no call waits longer than its timeout (see config.ts). */
export interface RedisConfig {
  url: string;
  /** REDIS_PREFIX: two bots can share one Redis server under two prefixes. */
  prefix: string;
  /** REDIS_CONNECT_TIMEOUT_MS: how long a connection attempt may take. */
  connectTimeoutMs: number;
  /** REDIS_COMMAND_TIMEOUT_MS: how long one command or script may take before the turn gives up. */
  commandTimeoutMs: number;
  /**
   * REDIS_LOCK_MS: a conversation's lock lifetime, so one whose holder died is free again after it. A turn holds it
   * for milliseconds; one that outlives it cannot overwrite a newer turn (the write compares versions).
   */
  lockMs: number;
  /**
   * REDIS_LOCK_WAIT_MS: how long a turn waits for another instance's turn of the same conversation; longer than
   * the lock's lifetime, so a lock left by an instance that died is waited out rather than refused.
   */
  lockWaitMs: number;
}

/** Start-up could not reach Redis: the server does not start. The message names REDIS_URL, never its password. */
export class RedisStartError extends Error {
  constructor(url: string, cause: unknown) {
    super(
      `REDIS_URL ${redactedUrl(url)}: Redis cannot be reached (${cause instanceof Error ? cause.message : String(cause)}). Start Redis, or unset REDIS_URL to keep state in STATE_FILE.`,
      { cause },
    );
    this.name = 'RedisStartError';
  }
}

/**
 * The client: commands fail at once while the connection is down (no offline queue) and after the command timeout,
 * and `reconnect` decides when to try again.
 */
function newClient(config: RedisConfig, reconnect: (retries: number, cause: Error) => number | Error) {
  return createClient({
    url: config.url,
    disableOfflineQueue: true,
    commandOptions: { timeout: config.commandTimeoutMs },
    socket: { connectTimeout: config.connectTimeoutMs, reconnectStrategy: reconnect },
  });
}
type Client = ReturnType<typeof newClient>;

/** Reconnection delays once the server has been up: quick at first, then every 2 s, for as long as it takes. */
const RECONNECT_MS = (retries: number) => Math.min(50 * 2 ** retries, 2_000);
/** Connection attempts at start-up before the server gives up. */
const START_ATTEMPTS = 3;

/**
 * The one Redis connection of a process, shared by the conversation store, the dedupe keys, the rate limits and
 * the review of unanswered questions. Every key is under the configured prefix. Commands never wait in a queue
 * for a connection that is down (they fail at once, and the caller answers 503), no command waits longer than
 * REDIS_COMMAND_TIMEOUT_MS, and the client reconnects by itself, so the bot recovers when Redis is back.
 */
export class SharedRedis {
  private complain = throttle();
  private down = false;
  /** Set once the first connection is made: attempts before it are reported by the start error instead. */
  private started = false;

  private constructor(
    private readonly client: Client,
    readonly config: RedisConfig,
    logger: Logger,
  ) {
    // Listeners go on before connect() and stay: node-redis throws without an 'error' listener, and removing
    // one from the client it returns can detach the ones added after.
    client.on('error', (error: unknown) => {
      if (!this.started) return;
      this.down = true;
      // Each failed attempt is an event, so they are thinned.
      if (!this.complain()) return;
      logger.error('redis unreachable; turns get 503 until it is back', {
        redis: redactedUrl(config.url),
        ...describeError(error),
      });
    });
    client.on('ready', () => {
      if (!this.down) return;
      this.down = false;
      // The next outage is reported at once.
      this.complain = throttle();
      logger.info('redis reachable again', { redis: redactedUrl(config.url) });
    });
  }

  /** Connects, or rejects with a {@link RedisStartError} after a few attempts within the connect timeout each. */
  static async connect(config: RedisConfig, logger: Logger): Promise<SharedRedis> {
    let lastCause: unknown = null;
    const client = newClient(config, (retries, cause) => {
      lastCause = cause;
      if (!redis.started && retries >= START_ATTEMPTS - 1) return new RedisStartError(config.url, cause);
      return RECONNECT_MS(retries);
    });
    const redis = new SharedRedis(client, config, logger);
    try {
      await client.connect();
    } catch (error) {
      throw error instanceof RedisStartError ? error : new RedisStartError(config.url, lastCause ?? error);
    }
    redis.started = true;
    return redis;
  }

  /** `parts` joined under the prefix: `key('conv', id)` is `article-bot:conv:<id>`. */
  key(...parts: string[]): string {
    return `${this.config.prefix}${parts.join(':')}`;
  }

  /** Runs a command; any failure (down, timeout) becomes a {@link StoreUnavailableError}. */
  async command<T = unknown>(args: string[]): Promise<T> {
    try {
      return (await this.client.sendCommand(args)) as T;
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  /** Runs `script` with `keys` and `args` by its SHA, sending its source the first time Redis lacks it. */
  async run<T = unknown>(s: Script, keys: string[], args: (string | number)[]): Promise<T> {
    const tail = [String(keys.length), ...keys, ...args.map(String)];
    try {
      return (await this.client.sendCommand(['EVALSHA', s.sha, ...tail])) as T;
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw this.unavailable(error);
    }
    try {
      return (await this.client.sendCommand(['EVAL', s.source, ...tail])) as T;
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  /** Null when Redis answers a PING within the command timeout, else why not (for /readyz). */
  async unreachable(): Promise<string | null> {
    try {
      await this.client.sendCommand(['PING']);
      return null;
    } catch (error) {
      return this.unavailable(error).message;
    }
  }

  /** Closes the connection after the commands already sent are answered. */
  async close(): Promise<void> {
    if (!this.client.isOpen) return;
    try {
      await this.client.close();
    } catch {
      this.client.destroy();
    }
  }

  private unavailable(error: unknown): StoreUnavailableError {
    if (error instanceof StoreUnavailableError) return error;
    const why = error instanceof Error ? error.message : String(error);
    return new StoreUnavailableError(`REDIS_URL ${redactedUrl(this.config.url)}: Redis did not answer (${why})`, {
      cause: error,
    });
  }
}
