import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import pino from 'pino';

/** Severity levels, least to most severe. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Structured logger: one JSON object per line. Fields are data; never pass secrets or raw request bodies. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Fields every log line written inside {@link withLogContext} carries, such as the request id. Work a request
 * starts after its response (a Slack or LINE reply sent later) keeps them, because the context follows async calls.
 */
const context = new AsyncLocalStorage<Record<string, unknown>>();

/** Runs `fn` with `fields` added to every log line written during it, including from async work it starts. */
export function withLogContext<T>(fields: Record<string, unknown>, fn: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, fn);
}

/**
 * A logger writing JSON lines at or above `level` to `write` (stderr by default), through pino: `time` (ISO 8601),
 * `level` (its name), `message`, the fields of {@link withLogContext} (the request id), then the call's own. In a
 * terminal, with `pretty` and pino-pretty installed (a development dependency), stderr gets readable lines
 * instead (LOG_FORMAT=json turns `pretty` off). Fields named like secrets are censored should one ever be passed.
 */
export function createLogger(level: LogLevel, write?: (line: string) => void, pretty = false): Logger {
  const destination = write ? { write } : (pretty && terminalStream()) || pino.destination({ fd: 2, sync: true });
  const logger = pino(
    {
      level,
      base: undefined,
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // A copy: pino merges the call's fields into what mixin returns, which would leak them into later lines.
      mixin: () => ({ ...context.getStore() }),
      redact: { paths: SECRET_FIELDS, censor: '[redacted]' },
    },
    destination,
  );
  const at =
    (name: Exclude<LogLevel, 'silent'>) =>
    (message: string, fields: Record<string, unknown> = {}) =>
      logger[name](fields, message);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Field names that would hold a secret: never passed on purpose, censored if they ever are. */
const SECRET_FIELDS = [
  'authorization',
  'password',
  'secret',
  'token',
  '*.authorization',
  '*.password',
  '*.secret',
  '*.token',
];

/** pino-pretty's stream when stderr is a terminal and it is installed (development), else undefined. */
function terminalStream(): NodeJS.WritableStream | undefined {
  if (!process.stderr.isTTY) return undefined;
  try {
    const pretty = createRequire(import.meta.url)('pino-pretty') as (options: object) => NodeJS.WritableStream;
    return pretty({ destination: 2, messageKey: 'message', translateTime: 'SYS:HH:MM:ss.l', ignore: '' });
  } catch {
    return undefined;
  }
}

/** Error details fit for a log line: name, message and cause, never a request body. */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: String(error) };
  const out: Record<string, unknown> = { error: error.message, errorName: error.name };
  if (error.stack) out.stack = error.stack;
  return out;
}
