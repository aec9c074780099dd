import path from 'node:path';
import { LOG_LEVELS, type LogLevel } from './log.js';

/** Settings read once from the environment at start-up (see .env.example). */
export interface Config {
  port: number;
  /** Conversation store file (lowdb JSON); a relative STATE_FILE is taken from the current directory. */
  stateFile: string;
  logLevel: LogLevel;
  /** When set, POST /api/webhook requires an X-Signature-256 HMAC of the body keyed with this secret. */
  webhookSecret: string | null;
}

/** A configuration value that cannot be used; the message names the variable and how to fix it. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** Where the project lives: data/ and intents/ are found relative to it. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

/** Reads and validates the configuration from `env`; throws a {@link ConfigError} naming the bad variable. */
export function readConfig(env: Record<string, string | undefined> = process.env): Config {
  const value = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : null;
  };

  const portText = value('PORT') ?? '3978';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new ConfigError('PORT', `must be a port number from 0 to 65535, got ${JSON.stringify(portText)}`);
  }

  const logLevel = (value('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`);
  }

  const webhookSecret = value('WEBHOOK_SECRET');
  if (webhookSecret !== null && webhookSecret.length < 16) {
    throw new ConfigError('WEBHOOK_SECRET', 'must be at least 16 characters (or empty to accept unsigned requests)');
  }

  return {
    port,
    stateFile: path.resolve(value('STATE_FILE') ?? path.join(PROJECT_ROOT, 'var', 'conversations.json')),
    logLevel: logLevel as LogLevel,
    webhookSecret,
  };
}
