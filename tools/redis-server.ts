/**
 * A real Redis for the tests and the benchmark: Debian's `redis-server` (the `redis-server` package, which
 * `npm test` installs through tools/check-system.ts), started on a free loopback port with its own temporary
 * folder, no RDB snapshots, and killed when this process exits, so none outlives a test run. A fake would not
 * show what the store does when the server goes away and comes back (kill, restart), which is what these
 * tests are for.
 *
 *   const redis = await startRedisServer();
 *   // ... createClient({ url: redis.url }) ...
 *   await redis.kill();     // the server dies as in a crash
 *   await redis.restart();  // same port, same folder
 *   await redis.stop();
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { commandOnPath } from './check-system.js';
import { freePort } from './ports.js';

/** One redis-server started by {@link startRedisServer}. */
export interface RedisServer {
  /** redis://127.0.0.1:PORT */
  url: string;
  port: number;
  /** The process id of the server now running (a new one after each restart). */
  pid: number;
  /** SIGTERM (SIGKILL after 5 s), waits for the exit, then removes the server's folder. */
  stop(): Promise<void>;
  /** SIGKILL, as in a crash, and waits for the exit; keeps the folder, so {@link restart} finds its data. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and folder (stopping it first if it runs) and waits for PONG. */
  restart(): Promise<void>;
}

/** The command, looked up on PATH. */
const COMMAND = 'redis-server';
/** How long a starting server may take to answer PING. */
const START_TIMEOUT_MS = 10_000;
/** How long `stop()` waits after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 5_000;
/** How often a starting server is polled. */
const POLL_MS = 20;
/** How much of a server's output is kept for error messages (the end of it). */
const OUTPUT_LIMIT = 64 * 1024;
/** How many times `restart()` spawns the server when its port is still taken. */
const RESTART_ATTEMPTS = 5;
/** What redis-server prints when it cannot bind its port. */
const ADDRESS_IN_USE = /Address already in use/i;

/** Whether `redis-server` is on PATH, for a test or benchmark section that needs it to say so before it starts. */
export function redisServerAvailable(): boolean {
  return commandOnPath(COMMAND, process.env.PATH ?? '');
}

/** A spawned redis-server process: what it printed, and whether (and how) it has ended. */
interface Run {
  child: ChildProcess;
  output: () => string;
  /** Resolves when the process has exited, or failed to start. */
  ended: Promise<void>;
  /** Set once it has: the exit code or signal, or the spawn error. */
  end: string | null;
}

/** Servers not yet exited, and folders not yet removed: both cleaned up when this process exits. */
const running = new Set<ChildProcess>();
const folders = new Set<string>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of folders) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Best effort: the server killed just above may still be writing to it.
    }
  }
});

/**
 * Starts a redis-server on a free port of 127.0.0.1 in a fresh temporary folder, with no RDB snapshots and the
 * append-only file off (or on, with `appendonly: true`, so data survives {@link RedisServer.kill} and
 * restart); resolves once it answers PING. Rejects with the server's output when it does not within 10 s.
 */
export async function startRedisServer(options: { appendonly?: boolean } = {}): Promise<RedisServer> {
  const appendonly = options.appendonly ?? false;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'redis-server-'));
  folders.add(dir);
  let port: number;
  let run: Run;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      run = await launch(port, dir, appendonly);
      break;
    } catch (error) {
      // Another process took the port between freePort() and the server's bind: try another.
      if (attempt < 3 && ADDRESS_IN_USE.test(String(error))) continue;
      folders.delete(dir);
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return run.child.pid!;
    },
    async stop() {
      await terminate(run);
      folders.delete(dir);
      await rm(dir, { recursive: true, force: true });
    },
    async kill() {
      if (run.end === null) run.child.kill('SIGKILL');
      await run.ended;
    },
    async restart() {
      await terminate(run);
      // After stop() the folder is gone: the server starts again in an empty one at the same path.
      mkdirSync(dir, { recursive: true });
      folders.add(dir);
      for (let attempt = 1; ; attempt++) {
        try {
          run = await launch(port, dir, appendonly);
          return;
        } catch (error) {
          // The port is briefly busy (a connection of the killed server, or another process took it): wait, retry.
          if (attempt < RESTART_ATTEMPTS && ADDRESS_IN_USE.test(String(error))) {
            await sleep(200 * attempt);
            continue;
          }
          throw error;
        }
      }
    },
  };
}

/** Spawns redis-server on `port` with `dir` as its folder and resolves once it answers PING; kills it if it does not. */
async function launch(port: number, dir: string, appendonly: boolean): Promise<Run> {
  const run = spawnRedis([
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    appendonly ? 'yes' : 'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
  ]);
  try {
    await waitForPong(port, run);
    return run;
  } catch (error) {
    run.child.kill('SIGKILL');
    await run.ended;
    throw error;
  }
}

function spawnRedis(args: string[]): Run {
  const child = spawn(COMMAND, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  running.add(child);
  const run: Run = { child, output: () => output, ended: Promise.resolve(), end: null };
  run.ended = new Promise((resolve) => {
    const ended = (end: string) => {
      running.delete(child);
      run.end ??= end;
      resolve();
    };
    child.once('exit', (code, signal) => ended(code === null ? `signal ${signal}` : `exit code ${code}`));
    child.once('error', (error) =>
      ended(
        `${error.message}${(error as NodeJS.ErrnoException).code === 'ENOENT' ? '; install the Debian package redis-server' : ''}`,
      ),
    );
  });
  return run;
}

/**
 * Polls the server on `port` every {@link POLL_MS} until it answers PING, and answers as the process `run`
 * (its process_id): a server of someone else's that took the port would answer PONG too. Fails when the
 * process ends first or after {@link START_TIMEOUT_MS}, with what it printed.
 */
async function waitForPong(port: number, run: Run): Promise<void> {
  const deadline = performance.now() + START_TIMEOUT_MS;
  for (;;) {
    const pid = await ping(port, run);
    if (run.end !== null) {
      throw new Error(`redis-server on port ${port} ended (${run.end}) before it answered PING:\n${run.output()}`);
    }
    if (pid === run.child.pid) return;
    if (performance.now() > deadline) {
      throw new Error(`redis-server on port ${port} did not answer PING in ${START_TIMEOUT_MS} ms:\n${run.output()}`);
    }
    await sleep(POLL_MS);
  }
}

/**
 * Sends `PING` and `INFO server` to 127.0.0.1:`port`; resolves with the server's process id when it answers
 * +PONG, or null when nothing answers, it answers an error (such as -LOADING), takes more than a second, or
 * `run` ends meanwhile (whatever holds the port then is not it).
 */
function ping(port: number, run: Run): Promise<number | null> {
  return new Promise((resolve) => {
    let reply = '';
    const socket = connect({ host: '127.0.0.1', port });
    const done = (pid: number | null) => {
      socket.destroy();
      resolve(pid);
    };
    socket.setTimeout(1000, () => done(null));
    socket.on('error', () => done(null));
    socket.on('close', () => done(null));
    socket.on('connect', () => socket.write('PING\r\nINFO server\r\n'));
    void run.ended.then(() => done(null));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      if (reply.length >= 7 && !reply.startsWith('+PONG\r\n')) return done(null);
      const pid = /\r\nprocess_id:(\d+)\r\n/.exec(reply);
      if (pid) done(Number(pid[1]));
    });
  });
}

/** SIGTERM, SIGKILL after {@link STOP_GRACE_MS}; resolves once the process has ended. */
async function terminate(run: Run): Promise<void> {
  if (run.end !== null) return;
  const timer = setTimeout(() => run.child.kill('SIGKILL'), STOP_GRACE_MS);
  run.child.kill('SIGTERM');
  await run.ended;
  clearTimeout(timer);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
