import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationState } from '../../../src/core/types.js';
import { lockPath, StateFileInUseError } from '../../../src/store/conversations/lock.js';
import { LowConversationStore } from '../../../src/store/conversations/store.js';
import { exited, startServer } from '../../support/server.js';
import { crashImage, recordingLogger } from '../../support/store.js';

let dir: string;
let file: string;
const opened: LowConversationStore[] = [];

async function open(at = file): Promise<LowConversationStore> {
  const store = await LowConversationStore.open(at, { logger: recordingLogger(), sweepIntervalMs: 0 });
  opened.push(store);
  return store;
}

const increment = (state: ConversationState) => ({
  state: { ...state, turns: state.turns + 1 },
  result: state.turns + 1,
});

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'state-lock-'));
  file = path.join(dir, 'state.json');
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close().catch(() => undefined)));
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The pid of a process that has ended. */
function endedPid(): number {
  return Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).toString());
}

describe('one process per STATE_FILE', () => {
  it('refuses a second open while the first is open, naming STATE_FILE and the process, and loses no turn of the first', async () => {
    const first = await open();
    await first.transact('a', increment);
    const second = LowConversationStore.open(file, { logger: recordingLogger() });
    await expect(second).rejects.toBeInstanceOf(StateFileInUseError);
    await expect(second).rejects.toThrow(`STATE_FILE ${file} is in use by process ${process.pid} on ${os.hostname()}`);
    // The first store's journal is where it was: a turn after the refused open survives a crash.
    await first.transact('a', increment);
    const image = crashImage(file, path.join(dir, 'after-crash'));
    const recovered = await open(image);
    expect(await recovered.transact('a', increment)).toBe(3);
  });

  it('lets the file be opened again once the first store is closed, and leaves no lock behind', async () => {
    const first = await open();
    await first.transact('a', increment);
    expect(fs.existsSync(lockPath(file))).toBe(true);
    await first.close();
    expect(fs.existsSync(lockPath(file))).toBe(false);
    const again = await open();
    expect(await again.transact('a', increment)).toBe(2);
  });

  it('takes over the lock of a process of this host that has ended (a server killed with SIGKILL)', async () => {
    fs.writeFileSync(lockPath(file), JSON.stringify({ pid: endedPid(), host: os.hostname(), since: 'earlier' }));
    const store = await open();
    expect(await store.transact('a', increment)).toBe(1);
    expect(JSON.parse(fs.readFileSync(lockPath(file), 'utf8')).pid).toBe(process.pid);
  });

  it('refuses a lock held on another host, whose processes cannot be checked from here', async () => {
    fs.writeFileSync(lockPath(file), JSON.stringify({ pid: 4242, host: 'other-host', since: 'earlier' }));
    await expect(open()).rejects.toThrow(/in use by process 4242 on other-host/);
  });

  it('refuses JSON that is not a conversation store, and leaves the file as it was', async () => {
    const packageJson = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8');
    fs.writeFileSync(file, packageJson);
    await expect(open()).rejects.toThrow(
      `STATE_FILE ${file} holds JSON that is not a conversation store (it has "name", "version", "private"`,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe(packageJson);
    expect(fs.existsSync(lockPath(file))).toBe(false);
  });
});

describe('the real server (npm start) with a STATE_FILE another server has open', () => {
  it('refuses to start, naming STATE_FILE and the running server, which keeps its conversations', async () => {
    const first = await startServer({ STATE_FILE: file });
    try {
      const ask = (text: string) =>
        fetch(`${first.url}/api/webhook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text, conversationId: 'shared' }),
        }).then((r) => r.json() as Promise<{ text: string }>);
      expect((await ask('How many users does WeChat have?')).text).toContain('500 million');
      const second = startServer({ STATE_FILE: file });
      await expect(second).rejects.toThrow(/STATE_FILE .* is in use by process \d+/);
      expect((await ask('And LinkedIn?')).text).toContain('5 million');
    } finally {
      first.child.kill('SIGTERM');
      await exited(first.child);
    }
    expect(fs.existsSync(lockPath(file))).toBe(false);
  });
});
