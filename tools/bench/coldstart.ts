/** Cold start: from spawning the server to a ready /healthz, and to the first answered question. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../ports.js';
import { type Figure, figure, ratios, summarize } from './measure.js';
import { httpStatus, POLL_MS, type ServerKind, spawnServer, stop, waitForOk } from './processes.js';

const SECTION = 'cold start';
const GIVE_UP_MS = 30_000;
const QUESTION = JSON.stringify({ text: 'How many members does LinkedIn have?', conversationId: 'cold-start' });

interface ColdStart {
  /** Spawn to the first 200 from GET /healthz. */
  readyMs: number;
  /** Spawn to the first 200 from POST /api/webhook. */
  answeredMs: number;
}

/** `runs` cold starts of the bot (B) and of the bare Express echo (A), in turn A B A B. */
export async function benchColdStart(runs: number, progress: (line: string) => void): Promise<Figure[]> {
  // The first fetch() of a process sets up its client; not part of anyone's start.
  await httpStatus('http://127.0.0.1:9/').catch(() => 0);
  const a: ColdStart[] = [];
  const b: ColdStart[] = [];
  for (let r = 0; r < runs; r++) {
    progress(`cold start ${r + 1}/${runs}`);
    a.push(await coldStart('echo-express'));
    b.push(await coldStart('bot'));
  }
  const ready = (list: ColdStart[]) => list.map((c) => c.readyMs);
  const answered = (list: ColdStart[]) => list.map((c) => c.answeredMs);
  const note = `${runs} runs each; spawn of dist/main.js (compiled) as npm start runs it or the plain-JavaScript echo to the first 200, polled every ${POLL_MS} ms`;
  return [
    figure({
      section: SECTION,
      name: 'to ready /healthz',
      unit: 'ms',
      value: summarize(ready(b)),
      baseline: { name: 'bare Express echo', value: summarize(ready(a)) },
      ratio: ratios(ready(b), ready(a)),
      target: { on: 'value', direction: 'at-most', limit: 1000 },
      note,
    }),
    figure({
      section: SECTION,
      name: 'to first answered question',
      unit: 'ms',
      value: summarize(answered(b)),
      baseline: { name: 'bare Express echo', value: summarize(answered(a)) },
      ratio: ratios(answered(b), answered(a)),
      note: 'POST /api/webhook right after /healthz answered',
    }),
  ];
}

async function coldStart(kind: ServerKind): Promise<ColdStart> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-cold-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawnServer(kind, {
    PORT: String(port),
    STATE_FILE: path.join(dir, 'conversations.json'),
    UNANSWERED_FILE: path.join(dir, 'unanswered.json'),
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    await waitForOk(
      () => httpStatus(`${base}/healthz`),
      child,
      () => output,
      GIVE_UP_MS,
    );
    const readyMs = performance.now() - started;
    await waitForOk(
      () => httpStatus(`${base}/api/webhook`, QUESTION),
      child,
      () => output,
      GIVE_UP_MS,
    );
    return { readyMs, answeredMs: performance.now() - started };
  } finally {
    await stop(child);
    await rm(dir, { recursive: true, force: true });
  }
}
