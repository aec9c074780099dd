/** Servers under test as child processes: started, waited for, measured, stopped. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';
import { freePort } from '../ports.js';

/**
 * Environment every server under test gets: quiet logs, no signatures, the Bot Framework route open to the
 * Emulator (empty app id), and per-client rate limits off, since the load comes from one address and a
 * handful of conversations.
 */
export const BENCH_ENV: Readonly<Record<string, string>> = {
  LOG_LEVEL: 'warn',
  WEBHOOK_SECRET: '',
  MicrosoftAppId: '',
  MicrosoftAppPassword: '',
  RATE_LIMIT_PER_ADDRESS: '0',
  RATE_LIMIT_PER_CONVERSATION: '0',
  // One process's lowdb store unless a section sets REDIS_URL itself, whatever this shell or .env says.
  REDIS_URL: '',
};

/**
 * The node arguments of each kind of server: any V8 flags, then its script. The bot's are read from package.json
 * `start`, so it runs compiled (after `npm run build`) with the V8 flags `npm start` gives it; the baselines are
 * plain JavaScript, which node runs as it is with V8's defaults, so no loader weighs on their start-up either.
 */
export const SCRIPTS = {
  bot: startArguments(),
  'echo-express': ['tools/bench/echo-express.js'],
  'echo-botbuilder': ['tools/bench/echo-botbuilder.js'],
} as const;
export type ServerKind = keyof typeof SCRIPTS;

/** What package.json `start` passes to node (`exec node <arguments>`). */
function startArguments(): readonly string[] {
  const { scripts } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const match = /^exec node (.+)$/.exec(scripts.start);
  if (!match) throw new Error(`package.json start is not "exec node ...": ${scripts.start}`);
  return match[1]!.split(' ');
}

export interface Server {
  kind: ServerKind;
  child: ChildProcess;
  pid: number;
  /** http://127.0.0.1:PORT */
  url: string;
  /** Everything the process has printed. */
  output: () => string;
}

/** Children not yet exited, so none outlives the benchmark. */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** Spawns `node <flags> <script>` with `env` over this process's environment (PORT=0 unless `env` sets it). */
export function spawnServer(kind: ServerKind, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [...SCRIPTS[kind]], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PORT: '0', ...BENCH_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/**
 * Starts a server on a free port and resolves once GET /healthz answers 200. The port is chosen here rather
 * than with PORT=0 because at LOG_LEVEL=warn the bot does not print its "ready" line with the URL.
 */
export async function startServer(kind: ServerKind, env: Record<string, string> = {}): Promise<Server> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawnServer(kind, { ...env, PORT: String(port) });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitForOk(
        () => httpStatus(`${url}/healthz`),
        child,
        () => output,
        START_TIMEOUT_MS,
      );
      return { kind, child, pid: child.pid!, url, output: () => output };
    } catch (error) {
      await stop(child);
      // Another process took the port between freePort() and the server's listen: try another.
      if (attempt < 3 && /EADDRINUSE|is in use/.test(output)) continue;
      throw error;
    }
  }
}

/** How long a server may take to answer /healthz before the benchmark gives up on it. */
const START_TIMEOUT_MS = 30_000;
/** How often a starting server is polled. */
export const POLL_MS = 5;

/**
 * Tries `attempt` every {@link POLL_MS} until it answers 200; fails when the process has exited or after
 * `timeoutMs`, with what the process printed.
 */
export async function waitForOk(
  attempt: () => Promise<number>,
  child: ChildProcess,
  output: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const status = await attempt().catch(() => 0);
    if (status === 200) return;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the server exited (${child.exitCode ?? child.signalCode}) before it answered:\n${output()}`);
    }
    if (performance.now() > deadline)
      throw new Error(`no 200 after ${timeoutMs} ms (last status ${status}):\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** GET `url`, or POST `body` as JSON; resolves with the status once the body is read. */
export async function httpStatus(url: string, body?: string): Promise<number> {
  const response = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(5000),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Stops a child with SIGTERM (SIGKILL after `graceMs`) and resolves once it has exited. */
export function stop(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Resident set size of a process in MB (VmRSS of /proc/<pid>/status), or null when it cannot be read. */
export async function rssMb(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; resolves with the largest sample (MB). */
export function sampleRss(pid: number, everyMs = 100): { stop: () => Promise<number | null> } {
  let peak: number | null = null;
  const take = async () => {
    const rss = await rssMb(pid);
    if (rss !== null && (peak === null || rss > peak)) peak = rss;
  };
  const timer = setInterval(() => void take(), everyMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await take();
      return peak;
    },
  };
}
