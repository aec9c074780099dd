/**
 * The invariants every answer of every public route keeps, whatever was sent: a 2xx or a 4xx, never a 5xx;
 * a 4xx is the JSON error `{ "error": { "code", "message" } }`; no stack trace or source path in a body or
 * header; no prototype polluted; no unhandled rejection or uncaught exception; no secret in a log line; no
 * connection anywhere but loopback.
 */
import diagnostics from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { PROJECT_ROOT } from '../../src/config.js';
import type { FuzzCase, FuzzResponse } from './targets.js';

/** What leaks internals: stack frames, source locations, paths of this machine, Express's HTML error page. */
const LEAK_PATTERNS: readonly [string, RegExp][] = [
  ['stack frame line', /\n\s*at \S/],
  ['stack frame', /\bat (?:async )?[\w$.<>[\] ]*\(?(?:file:\/\/|node:)?\/?[\w./-]*\.[cm]?[jt]s:\d+(?::\d+)?\)?/],
  ['source location', /[\w./-]+\.[cm]?[jt]sx?:\d+:\d+/],
  ['node_modules', /node_modules/],
  ['project path', new RegExp(escapeRegExp(PROJECT_ROOT))],
  ['/work/ path', /\/work\//],
  ['error with a path', /\b[A-Z]\w*Error: [^\n"]*\/(?:[\w.-]+\/)+/],
  ['HTML error page', /<!DOCTYPE html|<html[\s>]|<pre>/i],
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Everything the request said, decoded several ways, so a leak pattern that is only an echo is excused. */
function requestText(c: FuzzCase): string {
  let decodedPath = c.path;
  try {
    decodedPath = decodeURIComponent(c.path.replace(/\+/g, ' '));
  } catch {
    // Invalid percent-encoding: keep it as sent.
  }
  const headers = Object.values(c.headers).flat();
  return [c.body.toString('utf8'), c.body.toString('latin1'), c.path, decodedPath, ...headers].join('\n');
}

/** The pattern matches in `text` that are not echoes of something in the request. */
function leaks(text: string, echo: () => string): string[] {
  const found: string[] = [];
  for (const [name, pattern] of LEAK_PATTERNS) {
    const global = new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`);
    for (const match of text.matchAll(global)) {
      if (echo().includes(match[0])) continue;
      found.push(`${name}: ${JSON.stringify(match[0].slice(0, 120))}`);
      break;
    }
  }
  return found;
}

/** The invariants of one response; an empty list when it keeps them all. Each problem reads "what: detail". */
export function checkResponse(c: FuzzCase, r: FuzzResponse): string[] {
  const problems: string[] = [];
  if (r.error !== undefined) {
    problems.push(`no response: ${r.error}`);
    return problems;
  }
  const { status } = r;
  if (status >= 500) problems.push(`5xx: status ${status}`);
  else if (status < 200 || (status >= 300 && status < 400) || status >= 600)
    problems.push(`neither 2xx nor 4xx: status ${status}`);

  const type = String(r.headers['content-type'] ?? '');
  const text = r.body.toString('utf8');
  const hasBody = c.method !== 'HEAD' && status !== 204 && status !== 304;
  if (status >= 400) {
    if (!/^application\/json\b/.test(type))
      problems.push(`error without a JSON content type: content-type ${JSON.stringify(type)}`);
    if (hasBody) problems.push(...errorShape(text));
  } else if (status >= 200 && status < 300 && hasBody && /^application\/json\b/.test(type) && text !== '') {
    try {
      JSON.parse(text);
    } catch {
      problems.push(`2xx JSON that does not parse: ${JSON.stringify(text.slice(0, 120))}`);
    }
  }

  let echo: string | undefined;
  const echoed = () => (echo ??= requestText(c));
  for (const leak of leaks(text, echoed)) problems.push(`internals in the body: ${leak}`);
  for (const [name, value] of Object.entries(r.headers)) {
    for (const leak of leaks(`${[value].flat().join(', ')}`, echoed))
      problems.push(`internals in a header: ${name}: ${leak}`);
  }
  return problems;
}

/** Problems with an error body: it must be exactly `{ "error": { "code": string, "message": string } }`. */
function errorShape(text: string): string[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [`error body that is not JSON: ${JSON.stringify(text.slice(0, 120))}`];
  }
  const error = (body as { error?: unknown } | null)?.error as { code?: unknown; message?: unknown } | undefined;
  const ok =
    typeof body === 'object' &&
    body !== null &&
    Object.keys(body).join() === 'error' &&
    typeof error === 'object' &&
    error !== null &&
    Object.keys(error).sort().join() === 'code,message' &&
    typeof error.code === 'string' &&
    error.code !== '' &&
    typeof error.message === 'string' &&
    error.message !== '';
  return ok ? [] : [`error body not shaped {"error":{"code","message"}}: ${JSON.stringify(text.slice(0, 200))}`];
}

/** The error code of a 4xx, for the tables; null when there is none. */
export function errorCode(r: FuzzResponse): string | null {
  if (r.status < 400) return null;
  try {
    const code = (JSON.parse(r.body.toString('utf8')) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? code : null;
  } catch {
    return null;
  }
}

const PROTOTYPES: readonly [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
];

/** Every own property of the prototypes a pollution would change, with its value (or accessors). */
function prototypeSnapshot(): Map<string, unknown> {
  const snapshot = new Map<string, unknown>();
  for (const [name, proto] of PROTOTYPES) {
    for (const key of Reflect.ownKeys(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, key)!;
      snapshot.set(`${name}.${String(key)}`, 'value' in d ? d.value : [d.get, d.set]);
    }
  }
  return snapshot;
}

/** Properties added, removed or replaced since `before`. */
function prototypeChanges(before: Map<string, unknown>): string[] {
  const now = prototypeSnapshot();
  const changes: string[] = [];
  const same = (a: unknown, b: unknown) =>
    Array.isArray(a) && Array.isArray(b) ? a[0] === b[0] && a[1] === b[1] : Object.is(a, b);
  for (const [key, value] of now) {
    if (!before.has(key)) changes.push(`${key} added`);
    else if (!same(before.get(key), value)) changes.push(`${key} replaced`);
  }
  for (const key of before.keys()) if (!now.has(key)) changes.push(`${key} removed`);
  return changes;
}

/**
 * Watches the process while cases run: unhandled rejections, uncaught exceptions, prototype pollution,
 * connections to anything but loopback, and log lines holding a secret. `take()` returns (and forgets)
 * what happened since the last call.
 */
export class Watchdog {
  private found: string[] = [];
  private baseline = prototypeSnapshot();
  private readonly onRejection = (reason: unknown) => this.found.push(`unhandled rejection: ${describe(reason)}`);
  private readonly onException = (error: unknown) => this.found.push(`uncaught exception: ${describe(error)}`);
  private readonly onSocket = ({ socket }: { socket: Socket }) => {
    socket.once('lookup', (_error: unknown, address: string, _family: unknown, host: string) => {
      if (!isLoopback(address)) this.found.push(`connection beyond loopback: ${host} (${address})`);
    });
    socket.once('connect', () => {
      if (socket.remoteAddress && !isLoopback(socket.remoteAddress))
        this.found.push(`connection beyond loopback: ${socket.remoteAddress}`);
    });
  };

  constructor(
    private readonly secrets: readonly string[],
    private readonly drainLogs: () => string[],
    /** Also catch uncaught exceptions (keeps the process alive: for the fuzz runner, not under vitest). */
    private readonly catchExceptions = false,
  ) {
    process.on('unhandledRejection', this.onRejection);
    if (catchExceptions) process.on('uncaughtException', this.onException);
    else process.on('uncaughtExceptionMonitor', this.onException);
    diagnostics.subscribe('net.client.socket', this.onSocket as (message: unknown) => void);
  }

  /** What went wrong since the last call. */
  take(): string[] {
    const changes = prototypeChanges(this.baseline);
    if (changes.length > 0) {
      this.found.push(`prototype polluted: ${changes.join(', ')}`);
      // Reported once; later cases are judged against the polluted state.
      this.baseline = prototypeSnapshot();
    }
    if (({} as Record<string, unknown>).polluted !== undefined)
      this.found.push('prototype polluted: ({}).polluted is defined');
    for (const line of this.drainLogs()) {
      for (const secret of this.secrets) {
        if (line.includes(secret)) this.found.push(`secret in a log line: ${line.slice(0, 300)}`);
      }
    }
    const found = this.found;
    this.found = [];
    return found;
  }

  stop(): void {
    process.off('unhandledRejection', this.onRejection);
    if (this.catchExceptions) process.off('uncaughtException', this.onException);
    else process.off('uncaughtExceptionMonitor', this.onException);
    diagnostics.unsubscribe('net.client.socket', this.onSocket as (message: unknown) => void);
  }
}

function isLoopback(address: string): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}\n${value.stack ?? ''}`.slice(0, 2000);
  return String(value).slice(0, 500);
}
