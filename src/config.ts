import path from 'node:path';
import { ConfigError, type Env, EnvReader } from './env.js';
import { CONNECTION_LIMITS } from './http/server.js';
import { LOG_LEVELS, type LogLevel } from './log.js';
import type { RedisConfig } from './store/redis/client.js';

export type { RedisConfig };

/**
 * The server's own settings, read once from the environment at start-up (see .env.example). Each channel
 * reads its own (src/channels/index.ts).
 */
export interface Config {
  port: number;
  /** The address to listen on (HOST): every interface when absent; 127.0.0.1 for this machine only. */
  host: string | undefined;
  /** Conversation store file (lowdb JSON); a relative STATE_FILE is taken from the current directory. */
  stateFile: string;
  /** The folder holding the article the bot answers about: its data/ and intents/ (ARTICLE_DIR). */
  articleDir: string;
  logLevel: LogLevel;
  /** LOG_FORMAT: "json" always, or "auto" (readable lines in a terminal when pino-pretty is installed). */
  logFormat: 'json' | 'auto';
  /** Requests per minute per client address and per conversation; 0 turns a limit off. */
  rateLimits: { perAddress: number; perConversation: number };
  /** Open connections at once, in all and per client address (MAX_CONNECTIONS, MAX_CONNECTIONS_PER_ADDRESS). */
  connections: { total: number; perAddress: number };
  /** A conversation idle this long is forgotten. */
  conversationTtlMs: number;
  /** Where fallbacks and unsure answers are kept for review (UNANSWERED_FILE); null when RECORD_UNANSWERED=0. */
  unansweredFile: string | null;
  /** The bearer token GET /metrics asks for (METRICS_TOKEN); null: open, as Prometheus scrapes by default. */
  metricsToken: string | null;
  /** Express's `trust proxy`: false, or how many reverse proxies stand in front (so client addresses are right). */
  trustProxy: number | false;
  /** Where state shared by several instances lives (REDIS_URL); null: this process alone, in STATE_FILE. */
  redis: RedisConfig | null;
}

/** The Redis defaults: short enough that a turn fails in about a second when Redis is gone. */
export const REDIS_DEFAULTS = {
  prefix: 'article-bot:',
  connectTimeoutMs: 2_000,
  commandTimeoutMs: 1_000,
  lockMs: 2_000,
  lockWaitMs: 5_000,
} as const;

/** The Redis settings when REDIS_URL is set: a redis:// or rediss:// URL, and timeouts above 0. */
function readRedis(vars: EnvReader): RedisConfig | null {
  const url = vars.text('REDIS_URL');
  const prefix = vars.text('REDIS_PREFIX') ?? REDIS_DEFAULTS.prefix;
  const positive = (name: string, fallback: number) => {
    const n = vars.count(name, fallback);
    if (n === 0) throw new ConfigError(name, 'must be at least 1 (milliseconds)');
    return n;
  };
  const settings = {
    prefix,
    connectTimeoutMs: positive('REDIS_CONNECT_TIMEOUT_MS', REDIS_DEFAULTS.connectTimeoutMs),
    commandTimeoutMs: positive('REDIS_COMMAND_TIMEOUT_MS', REDIS_DEFAULTS.commandTimeoutMs),
    lockMs: positive('REDIS_LOCK_MS', REDIS_DEFAULTS.lockMs),
    lockWaitMs: positive('REDIS_LOCK_WAIT_MS', REDIS_DEFAULTS.lockWaitMs),
  };
  if (settings.lockWaitMs <= settings.lockMs)
    throw new ConfigError(
      'REDIS_LOCK_WAIT_MS',
      `must be longer than REDIS_LOCK_MS (${settings.lockMs} ms), so a lock left by an instance that died is waited out`,
    );
  if (url === null) return null;
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new ConfigError('REDIS_URL', 'must be a URL such as redis://127.0.0.1:6379');
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:')
    throw new ConfigError('REDIS_URL', `must start with redis:// or rediss://, got ${protocol}//`);
  return { url, ...settings };
}

/** Where the project lives: data/ and intents/ are found relative to it unless ARTICLE_DIR says otherwise. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

/** Generous enough that no person chatting meets them; they are there to slow floods. */
export const DEFAULT_RATE_LIMITS = { perAddress: 600, perConversation: 60 };

/**
 * The connection limits. Behind a reverse proxy (TRUST_PROXY) every connection comes from the proxy, so the
 * per-address limit is off unless set.
 */
function readConnections(vars: EnvReader): { total: number; perAddress: number } {
  const total = vars.count('MAX_CONNECTIONS', CONNECTION_LIMITS.total);
  if (total === 0) throw new ConfigError('MAX_CONNECTIONS', 'must be at least 1');
  const behindProxy = vars.count('TRUST_PROXY', 0) > 0;
  const perAddress = vars.count('MAX_CONNECTIONS_PER_ADDRESS', behindProxy ? 0 : CONNECTION_LIMITS.perAddress);
  return { total, perAddress };
}

function readLogFormat(vars: EnvReader): 'json' | 'auto' {
  const format = (vars.text('LOG_FORMAT') ?? 'auto').toLowerCase();
  if (format !== 'json' && format !== 'auto')
    throw new ConfigError('LOG_FORMAT', `must be json or auto, got ${JSON.stringify(format)}`);
  return format;
}

/** The review file, unless RECORD_UNANSWERED=0 turns the review off. */
function readUnansweredFile(vars: EnvReader): string | null {
  const record = vars.text('RECORD_UNANSWERED') ?? '1';
  if (record !== '0' && record !== '1')
    throw new ConfigError('RECORD_UNANSWERED', `must be 0 or 1, got ${JSON.stringify(record)}`);
  const file = path.resolve(vars.text('UNANSWERED_FILE') ?? path.join(PROJECT_ROOT, 'var', 'unanswered.json'));
  return record === '1' ? file : null;
}

/** Reads and validates the server's settings from `env`; throws a {@link ConfigError} naming the bad variable. */
export function readConfig(env: Env = process.env): Config {
  const vars = new EnvReader(env);

  const portText = vars.text('PORT') ?? '3978';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new ConfigError('PORT', `must be a port number from 0 to 65535, got ${JSON.stringify(portText)}`);
  }

  const logLevel = (vars.text('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`);
  }

  const host = vars.text('HOST') ?? undefined;
  if (host !== undefined && !/^[\w.:-]+$/.test(host)) {
    throw new ConfigError('HOST', `must be an address or host name such as 127.0.0.1, got ${JSON.stringify(host)}`);
  }

  return {
    port,
    host,
    rateLimits: {
      perAddress: vars.count('RATE_LIMIT_PER_ADDRESS', DEFAULT_RATE_LIMITS.perAddress),
      perConversation: vars.count('RATE_LIMIT_PER_CONVERSATION', DEFAULT_RATE_LIMITS.perConversation),
    },
    conversationTtlMs: vars.hours('CONVERSATION_TTL_HOURS', 24),
    connections: readConnections(vars),
    trustProxy: vars.count('TRUST_PROXY', 0) || false,
    redis: readRedis(vars),
    metricsToken: vars.text('METRICS_TOKEN'),
    unansweredFile: readUnansweredFile(vars),
    stateFile: path.resolve(vars.text('STATE_FILE') ?? path.join(PROJECT_ROOT, 'var', 'conversations.json')),
    articleDir: path.resolve(vars.text('ARTICLE_DIR') ?? PROJECT_ROOT),
    logLevel: logLevel as LogLevel,
    logFormat: readLogFormat(vars),
  };
}
