import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConversationState } from '../../../src/core/types.js';
import {
  DEFAULT_IDLE_TTL_MS,
  LowConversationStore,
  type StoreOptions,
} from '../../../src/store/conversations/store.js';
import { crashImage, fakeClock, recordingLogger } from '../../support/store.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

let dir: string;
let file: string;
let clock: ReturnType<typeof fakeClock>;
const opened: LowConversationStore[] = [];

async function open(options: StoreOptions = {}, at = file): Promise<LowConversationStore> {
  const store = await LowConversationStore.open(at, {
    now: clock.now,
    sweepIntervalMs: 0,
    logger: recordingLogger(),
    ...options,
  });
  opened.push(store);
  return store;
}

function increment(state: ConversationState): { state: ConversationState; result: number } {
  return { state: { ...state, turns: state.turns + 1 }, result: state.turns + 1 };
}

function peek(state: ConversationState): { state: ConversationState; result: number } {
  return { state, result: state.turns };
}

function snapshotIds(at = file): string[] {
  return Object.keys(JSON.parse(fs.readFileSync(at, 'utf8')).conversations).sort();
}

/** The store's files' sizes added up; listed again if a compaction renames one between the listing and its size. */
function bytesOnDisk(): number {
  for (;;) {
    try {
      return fs
        .readdirSync(dir)
        .filter((name) => name.startsWith('state.json'))
        .reduce((sum, name) => sum + fs.statSync(path.join(dir, name)).size, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-expiry-test-'));
  file = path.join(dir, 'state.json');
  clock = fakeClock();
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('LowConversationStore: expiry', () => {
  it('keeps conversations for 24 hours of idleness by default', () => {
    expect(DEFAULT_IDLE_TTL_MS).toBe(DAY);
  });

  it('drops a conversation idle for longer than the TTL, from memory and, at the next compaction, from disk', async () => {
    const store = await open();
    await store.transact('idle', increment);
    await store.transact('active', increment);
    clock.advance(23 * HOUR);
    await store.transact('active', increment);
    clock.advance(2 * HOUR);

    expect(store.sweep()).toBe(1);
    expect(store.size).toBe(1);
    await store.compact();
    expect(snapshotIds()).toEqual(['active']);
    expect(await store.transact('active', peek)).toBe(2);
    expect(await store.transact('idle', peek)).toBe(0);
  });

  it('treats an expired conversation as new when it is used before any sweep', async () => {
    const store = await open();
    await store.transact('c', increment);
    clock.advance(DAY);
    // Exactly the TTL idle: still kept.
    expect(await store.transact('c', increment)).toBe(2);
    clock.advance(DAY + 1);
    expect(await store.transact('c', increment)).toBe(1);
  });

  it('does not bring back, after a restart, conversations that expired while the server was down', async () => {
    const store = await open();
    await store.transact('old', increment);
    clock.advance(20 * HOUR);
    await store.transact('recent', increment);
    const image = crashImage(file, path.join(dir, 'image'));

    clock.advance(10 * HOUR);
    const restarted = await open({}, image);
    expect(restarted.size).toBe(1);
    expect(snapshotIds(image)).toEqual(['recent']);
    expect(await restarted.transact('recent', peek)).toBe(1);
    expect(await restarted.transact('old', peek)).toBe(0);
  });

  it('stays bounded over 30 days of 1,000 new conversations a day: the snapshot holds about one day of them', async () => {
    const store = await open({ compactAfterBytes: 64 * 1024 });
    const daily: { conversations: number; snapshot: number; bytes: number; days: Set<string> }[] = [];
    for (let day = 0; day < 30; day++) {
      // Ten bursts a day, 2.4 hours apart, of 100 conversations asking two questions each.
      for (let burst = 0; burst < 10; burst++) {
        const ids = Array.from({ length: 100 }, (_, i) => `day${day}-${burst * 100 + i}`);
        await Promise.all(ids.map((id) => store.transact(id, increment)));
        await Promise.all(ids.map((id) => store.transact(id, increment)));
        clock.advance(DAY / 10);
        // What the sweep timer does in the server.
        store.sweep();
      }
      await vi.waitFor(() => expect(fs.existsSync(`${file}.journal.old`)).toBe(false));
      const ids = snapshotIds();
      daily.push({
        conversations: store.size,
        snapshot: ids.length,
        bytes: bytesOnDisk(),
        days: new Set(ids.map((id) => id.split('-')[0]!)),
      });
    }
    for (const [day, { conversations, snapshot, days }] of daily.entries()) {
      if (day === 0) continue;
      expect(conversations).toBeLessThanOrEqual(1000);
      // About a day: the snapshot also holds conversations started while it was being written, since turns go
      // on meanwhile, but never one of two days before.
      expect(snapshot).toBeLessThanOrEqual(1500);
      for (const seen of days) expect([`day${day}`, `day${day - 1}`]).toContain(seen);
    }
    const last = daily.at(-1)!;
    expect(last.snapshot).toBeGreaterThanOrEqual(500);
    // A day of conversations is about 130 KB of snapshot. The journal is compacted once it is as large as the
    // snapshot, so at any moment the files hold at most the snapshot, the journal being compacted and the new
    // one: about 3 x 130 KB, however many days pass (30 days kept would be about 4 MB).
    expect(Math.max(...daily.map((d) => d.bytes))).toBeLessThan(600_000);
  });

  it('compacts after a sweep that emptied a quarter of the snapshot, even without traffic to fill the journal', async () => {
    const store = await open();
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.transact(`old-${i}`, increment)));
    await store.compact();
    clock.advance(HOUR);
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.transact(`new-${i}`, increment)));
    clock.advance(DAY - 1);
    expect(store.sweep()).toBe(100);
    await vi.waitFor(() => expect(store.stats.compactions).toBe(2));
    expect(snapshotIds()).toHaveLength(10);
  });

  it('keeps at most maxEntries conversations, dropping the least recently written', async () => {
    const store = await open({ maxEntries: 100 });
    for (let i = 0; i < 150; i++) {
      await store.transact(`c-${i}`, increment);
      clock.advance(1000);
    }
    expect(store.size).toBeLessThanOrEqual(100);
    expect(store.size).toBeGreaterThanOrEqual(90);
    expect(await store.transact('c-149', peek)).toBe(1);
    expect(await store.transact('c-0', peek)).toBe(0);
    await store.close();
    // A restart with a smaller cap keeps the most recent ones.
    const reopened = await open({ maxEntries: 10 });
    expect(reopened.size).toBe(10);
    expect(await reopened.transact('c-149', peek)).toBe(1);
  });
});
