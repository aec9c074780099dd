import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LowConversationStore } from '../../../src/store/conversations/store.js';
import { crashImage, recordingLogger } from '../../support/store.js';

const CHILD = fileURLToPath(new URL('./crash-child.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

let dir: string;
let file: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-crash-test-'));
  file = path.join(dir, 'state.json');
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs crash-child.ts on `file` until it has printed `acks` acknowledgements, kills it with SIGKILL, and
 * returns the highest acknowledged turns per conversation, from whole printed lines only.
 */
async function runAndKill(acks: number): Promise<{ conversations: Map<string, number> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.split('\n').length > acks) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    void exited.then(() => reject(new Error(`the child exited before ${acks} acknowledgements: ${err}`)));
  });
  expect(await exited).toBe('SIGKILL');
  // Whatever was in the pipe when it died was acknowledged before: read it all.
  await new Promise((resolve) => setImmediate(resolve));
  const conversations = new Map<string, number>();
  const lines = out.split('\n');
  lines.pop();
  for (const line of lines) {
    const [kind, id, turns] = line.split(' ');
    if (kind === 'ready') continue;
    conversations.set(id!, Math.max(Number(turns), conversations.get(id!) ?? 0));
  }
  return { conversations };
}

async function expectAllThere(at: string, acknowledged: Awaited<ReturnType<typeof runAndKill>>): Promise<void> {
  // The snapshot is whole JSON whenever the process died.
  expect(() => JSON.parse(fs.readFileSync(at, 'utf8'))).not.toThrow();
  const store = await LowConversationStore.open(at, { logger: recordingLogger() });
  try {
    for (const [id, turns] of acknowledged.conversations) {
      const stored = await store.transact(id, (state) => ({ state, result: state.turns }));
      expect(stored, id).toBeGreaterThanOrEqual(turns);
    }
  } finally {
    await store.close();
  }
}

describe('LowConversationStore killed with SIGKILL', () => {
  it('keeps every acknowledged change, through two crashes in a row', async () => {
    const first = await runAndKill(3000);
    expect(first.conversations.size).toBe(300);
    // Checked on a copy, so that the second run starts from the files exactly as the kill left them.
    await expectAllThere(crashImage(file, path.join(dir, 'image')), first);

    // The restarted store recovers, carries on, and is killed again.
    const second = await runAndKill(2000);
    for (const [id, turns] of second.conversations) expect(turns).toBeGreaterThan(first.conversations.get(id) ?? 0);
    await expectAllThere(file, second);
  });
});
