import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';

/** A server started as `npm start` starts it. */
export interface RunningServer {
  child: ChildProcess;
  /** http://localhost:PORT, from the ready log line. */
  url: string;
  /** Everything the process printed so far (JSON log lines on stderr). */
  logs: () => string;
}

/**
 * What `npm start` runs after building (test/global-setup.ts builds dist/ before the tests), V8's heap flags
 * included (see docs/operations.md).
 */
export const SERVER_COMMAND = [
  process.execPath,
  '--max-semi-space-size=8',
  '--heap-growing-percent=50',
  'dist/main.js',
] as const;

/** What `npm run build` runs, and so `npm start` before the server, and test/global-setup.ts before the tests. */
export const BUILD_COMMAND = [process.execPath, '--import', 'tsx', 'tools/build.ts'] as const;

/**
 * Starts the server as `npm start` does ({@link SERVER_COMMAND}) on a free port with `env` added to this
 * process's environment, from `cwd` (the project folder unless given), and resolves once it logs that it is ready.
 */
export function startServer(env: Record<string, string>, cwd = PROJECT_ROOT): Promise<RunningServer> {
  const child = spawn(SERVER_COMMAND[0], [...SERVER_COMMAND.slice(1, -1), path.join(PROJECT_ROOT, 'dist', 'main.js')], {
    cwd,
    // No review file unless a test asks for one: servers of other test files must not share the project's.
    env: {
      ...process.env,
      PORT: '0',
      LOG_LEVEL: 'info',
      WEBHOOK_SECRET: '',
      RECORD_UNANSWERED: '0',
      // The lowdb store unless a test gives REDIS_URL, whatever the developer's shell or .env says.
      REDIS_URL: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // A server that never got ready must not outlive the test that started it.
      child.kill('SIGKILL');
      reject(new Error(`server not ready after 15 s:\n${output}`));
    }, 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // Whole lines only: the last may still be coming.
      for (const line of output.split('\n').slice(0, -1)) {
        if (!line.includes('"article bot ready"')) continue;
        clearTimeout(timer);
        resolve({ child, url: JSON.parse(line).url as string, logs: () => output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was ready:\n${output}`));
    });
  });
}

/** Resolves with the exit code once `child` exits. */
export function exited(child: ChildProcess): Promise<number | null> {
  // A process ended by a signal has no exit code but a signal code, and its 'exit' event has passed.
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}
