import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConversationState } from '../../../src/core/types.js';
import { Journal } from '../../../src/store/conversations/journal.js';
import {
  JournalWriteError,
  LowConversationStore,
  readStateOnDisk,
  StoreClosedError,
  type StoreOptions,
} from '../../../src/store/conversations/store.js';
import { crashImage, fakeClock, recordingLogger, storeFiles } from '../../support/store.js';

let dir: string;
let file: string;
const opened: LowConversationStore[] = [];
const T0 = '2024-03-01T00:00:00.000Z';

async function open(options: StoreOptions = {}, at = file): Promise<LowConversationStore> {
  const store = await LowConversationStore.open(at, { now: fakeClock(T0).now, logger: recordingLogger(), ...options });
  opened.push(store);
  return store;
}

function increment(state: ConversationState): { state: ConversationState; result: number } {
  return { state: { ...state, turns: state.turns + 1 }, result: state.turns + 1 };
}

function peek(state: ConversationState): { state: ConversationState; result: ConversationState } {
  return { state, result: state };
}

/** A journal line setting conversation `id` to `turns` questions. */
function conversationLine(seq: number, id: string, turns: number): string {
  return JSON.stringify({
    seq,
    op: 'conversation',
    id,
    value: { state: { lastIntent: null, entities: [], turns }, updatedAt: T0 },
  });
}

function snapshotWith(seq: number, turnsById: Record<string, number>): string {
  const conversations = Object.fromEntries(
    Object.entries(turnsById).map(([id, turns]) => [
      id,
      { state: { lastIntent: null, entities: [], turns }, updatedAt: T0 },
    ]),
  );
  return JSON.stringify({ seq, conversations });
}

async function turnsOf(store: LowConversationStore, ids: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const id of ids) out[id] = (await store.transact(id, peek)).turns;
  return out;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-recovery-test-'));
  file = path.join(dir, 'state.json');
});

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(opened.splice(0).map((s) => s.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('LowConversationStore: the journal', () => {
  it('appends each change to the journal, not to the snapshot, and acknowledges it only once written', async () => {
    fs.writeFileSync(file, snapshotWith(0, { old: 1 }));
    const store = await open();
    const snapshot = fs.readFileSync(file, 'utf8');
    for (let i = 1; i <= 3; i++) {
      await store.transact('c', increment);
      const lines = fs.readFileSync(`${file}.journal`, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(i);
      expect(JSON.parse(lines.at(-1)!)).toMatchObject({
        seq: i,
        op: 'conversation',
        id: 'c',
        value: { state: { turns: i } },
      });
    }
    expect(fs.readFileSync(file, 'utf8')).toBe(snapshot);
  });

  it('sends changes made together out in one write (group commit)', async () => {
    const store = await open();
    const before = store.stats.journalWrites;
    await Promise.all(Array.from({ length: 120 }, (_, i) => store.transact(`c-${i}`, increment)));
    expect(store.stats.journalWrites - before).toBe(1);
    expect(store.stats.seq).toBe(120);
  });

  it('keeps every acknowledged change when the process dies without closing, and the snapshot is JSON at every point', async () => {
    // Small enough that compactions run (and rotate the journal) in the middle of the traffic.
    const store = await open({ compactAfterBytes: 4096 });
    const acknowledged = new Map<string, number>();
    const images: { at: string; expected: Map<string, number> }[] = [];
    let acks = 0;
    await Promise.all(
      Array.from({ length: 10 }, async (_, worker) => {
        for (let i = 0; i < 60; i++) {
          const id = `c-${(worker * 7 + i) % 25}`;
          const turns = await store.transact(id, increment);
          acknowledged.set(id, Math.max(turns, acknowledged.get(id) ?? 0));
          if (fs.existsSync(file)) expect(() => JSON.parse(fs.readFileSync(file, 'utf8'))).not.toThrow();
          if (++acks % 40 === 0) {
            // A restart at this moment finds these files.
            images.push({ at: crashImage(file, path.join(dir, `image-${acks}`)), expected: new Map(acknowledged) });
          }
        }
      }),
    );
    expect(store.stats.compactions).toBeGreaterThan(2);
    expect(images).toHaveLength(15);
    for (const image of images) {
      const restarted = await open({}, image.at);
      const seen = await turnsOf(restarted, [...image.expected.keys()]);
      for (const [id, turns] of image.expected) expect(seen[id], `${image.at} ${id}`).toBeGreaterThanOrEqual(turns);
    }
    // The live store agrees with what it acknowledged, and so does a restart from its files now.
    const last = await open({}, crashImage(file, path.join(dir, 'final')));
    expect(await turnsOf(last, [...acknowledged.keys()])).toEqual(Object.fromEntries(acknowledged));
  });

  it('stores an id such as "__proto__" like any other', async () => {
    const store = await open();
    await store.transact('__proto__', increment);
    const restarted = await open({}, crashImage(file, path.join(dir, 'image')));
    expect((await restarted.transact('__proto__', peek)).turns).toBe(1);
    await restarted.close();
    const reopened = await open({}, path.join(dir, 'image', 'state.json'));
    expect((await reopened.transact('__proto__', peek)).turns).toBe(1);
  });
});

describe('LowConversationStore: a snapshot written while turns go on', () => {
  it('answers turns while it compacts a large snapshot, and a crash then loses none of them', async () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `c${i}`);
    fs.writeFileSync(file, snapshotWith(0, Object.fromEntries(ids.map((id) => [id, 1]))));
    const store = await open({ sweepIntervalMs: 0 });
    let compacted = false;
    const compaction = store.compact().then(() => {
      compacted = true;
    });
    // Turns on conversations already written into the snapshot, not yet written, and new ones.
    const touched = ['c0', 'c10000', 'c19999', 'new-1', 'new-2'];
    const answeredDuring: string[] = [];
    await Promise.all(
      touched.map(async (id) => {
        await store.transact(id, increment);
        if (!compacted) answeredDuring.push(id);
      }),
    );
    await compaction;
    expect(answeredDuring).toEqual(touched);
    const image = crashImage(file, path.join(dir, 'crash'));
    const recovered = await open({ sweepIntervalMs: 0 }, image);
    expect(await turnsOf(recovered, touched)).toEqual({ c0: 2, c10000: 2, c19999: 2, 'new-1': 1, 'new-2': 1 });
    expect(recovered.size).toBe(20_002);
  });
});

describe('LowConversationStore: recovery on open', () => {
  it('ignores an incomplete last journal line, reports it, and appends after it safely', async () => {
    fs.writeFileSync(
      `${file}.journal`,
      `${conversationLine(1, 'a', 1)}\n${conversationLine(2, 'b', 1)}\n{"seq":3,"op":"conver`,
    );
    const logger = recordingLogger();
    const store = await open({ logger });
    expect(await turnsOf(store, ['a', 'b', 'c'])).toEqual({ a: 1, b: 1, c: 0 });
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ tornLines: 1, replayed: 2 }) }),
    );
    // Opening folded the journal into the snapshot, so the next line does not land behind the torn one.
    expect(readStateOnDisk(file).seq).toBeGreaterThanOrEqual(2);
    await store.transact('c', increment);
    const restarted = await open({}, crashImage(file, path.join(dir, 'image')));
    expect(await turnsOf(restarted, ['a', 'b', 'c'])).toEqual({ a: 1, b: 1, c: 1 });
  });

  it('does not apply again the journal records the snapshot already holds', async () => {
    fs.writeFileSync(file, snapshotWith(5, { a: 5, b: 1 }));
    fs.writeFileSync(
      `${file}.journal`,
      [
        conversationLine(3, 'stale', 1),
        conversationLine(4, 'a', 4),
        conversationLine(5, 'a', 5),
        conversationLine(6, 'b', 2),
        '',
      ].join('\n'),
    );
    const logger = recordingLogger();
    const store = await open({ logger });
    expect(await turnsOf(store, ['a', 'b', 'stale'])).toEqual({ a: 5, b: 2, stale: 0 });
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'info',
        fields: expect.objectContaining({ replayed: 1, alreadyInSnapshot: 3 }),
      }),
    );
  });

  it("opens an earlier version's file with Bot Framework Storage items: keeps every conversation, drops the items once", async () => {
    // What a store of the version that kept the Bot Framework channel's state as botbuilder Storage items wrote.
    const item = { state: { lastIntent: 'wechat.users', entities: [], turns: 3 }, eTag: 'e-1' };
    fs.writeFileSync(
      file,
      JSON.stringify({
        ...JSON.parse(snapshotWith(2, { a: 2 })),
        items: { 'emulator/conversations/x/article': item },
        itemsUpdatedAt: { 'emulator/conversations/x/article': T0 },
      }),
    );
    const itemsLine = (seq: number) =>
      JSON.stringify({ seq, op: 'items', at: T0, set: { 'emulator/conversations/y/article': item }, delete: [] });
    fs.writeFileSync(`${file}.journal`, [itemsLine(3), conversationLine(4, 'b', 1), itemsLine(5), ''].join('\n'));
    const logger = recordingLogger();
    const store = await open({ logger });
    expect(await turnsOf(store, ['a', 'b'])).toEqual({ a: 2, b: 1 });
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'info',
        message: expect.stringContaining('start afresh once'),
        fields: expect.objectContaining({ legacyItems: 3, replayed: 1, invalidLines: 0, conversations: 2 }),
      }),
    );
    // Written out at once without them, so the next open finds nothing of the old layout.
    const snapshot = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(Object.keys(snapshot).sort()).toEqual(['conversations', 'seq']);
    expect(snapshot.seq).toBe(5);
    expect(storeFiles(file)).toEqual(['state.json', 'state.json.journal']);
    // Numbering goes on after the skipped records, so no new line shares a number with an old one.
    const [first] = fs.readFileSync(`${file}.journal`, 'utf8').trim().split('\n');
    expect(JSON.parse(first!).seq).toBe(6);
    const quiet = recordingLogger();
    await open({ logger: quiet }, crashImage(file, path.join(dir, 'image')));
    expect(quiet.lines.filter((l) => l.message.includes('afresh'))).toEqual([]);
  });

  it('recovers from a crash between rotating the journal and writing the snapshot (.journal.old and .journal)', async () => {
    fs.writeFileSync(file, snapshotWith(2, { a: 2 }));
    fs.writeFileSync(
      `${file}.journal.old`,
      [
        conversationLine(1, 'a', 1),
        conversationLine(2, 'a', 2),
        conversationLine(3, 'b', 1),
        conversationLine(4, 'c', 1),
        '',
      ].join('\n'),
    );
    fs.writeFileSync(`${file}.journal`, [conversationLine(5, 'a', 3), conversationLine(6, 'd', 1), ''].join('\n'));
    const store = await open();
    expect(await turnsOf(store, ['a', 'b', 'c', 'd'])).toEqual({ a: 3, b: 1, c: 1, d: 1 });
    // Both journals are folded into a new snapshot and gone; appending starts on an empty journal.
    expect(storeFiles(file)).toEqual(['state.json', 'state.json.journal']);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).seq).toBe(6);
  });

  it('drops journal lines that are not valid records and applies the rest', async () => {
    const invalid = JSON.stringify({
      seq: 2,
      op: 'conversation',
      id: 'b',
      value: { state: { turns: 'x' }, updatedAt: T0 },
    });
    fs.writeFileSync(
      `${file}.journal`,
      [
        conversationLine(1, 'a', 1),
        'not json',
        invalid,
        '{"seq":4,"op":"unknown"}',
        conversationLine(5, 'c', 1),
        '',
      ].join('\n'),
    );
    const logger = recordingLogger();
    const store = await open({ logger });
    expect(await turnsOf(store, ['a', 'b', 'c'])).toEqual({ a: 1, b: 0, c: 1 });
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ invalidLines: 3 }) }),
    );
  });

  it('survives a compaction that fails after rotating, and folds both journals in once it can write again', async () => {
    const logger = recordingLogger();
    const store = await open({ logger });
    for (let i = 0; i < 10; i++) {
      await store.transact(`before-${i}`, increment);
      if (i === 4) await store.compact();
    }
    // lowdb writes the snapshot to this temporary path first; a directory there makes the write fail.
    const blocker = path.join(dir, '.state.json.tmp');
    fs.mkdirSync(blocker);
    await expect(store.compact()).rejects.toThrow();
    expect(storeFiles(file)).toEqual(['.state.json.tmp', 'state.json', 'state.json.journal', 'state.json.journal.old']);
    for (let i = 0; i < 10; i++) await store.transact(`after-${i}`, increment);

    const ids = Array.from({ length: 10 }, (_, i) => [`before-${i}`, `after-${i}`]).flat();
    const restarted = await open({}, crashImage(file, path.join(dir, 'image')));
    expect(Object.values(await turnsOf(restarted, ids))).toEqual(ids.map(() => 1));

    fs.rmdirSync(blocker);
    await store.compact();
    expect(storeFiles(file)).toEqual(['state.json', 'state.json.journal']);
    const snapshot = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(Object.keys(snapshot.conversations).sort()).toEqual([...ids].sort());
  });

  it('keeps answering turns while automatic compactions fail, and retries them only now and then', async () => {
    const logger = recordingLogger();
    const store = await open({ logger, compactAfterBytes: 2000 });
    fs.mkdirSync(path.join(dir, '.state.json.tmp'));
    for (let i = 0; i < 100; i++) expect(await store.transact(`c-${i}`, increment)).toBe(1);
    await vi.waitFor(() => expect(logger.lines.some((l) => l.level === 'error')).toBe(true));
    const failures = logger.lines.filter((l) => l.message.includes('compaction failed')).length;
    // About 13 KB of journal at most one attempt per 2 KB, not one per write.
    expect(failures).toBeGreaterThan(0);
    expect(failures).toBeLessThan(10);
    fs.rmdirSync(path.join(dir, '.state.json.tmp'));
  });

  it('takes a change back out of memory when its journal write fails, and rejects the call', async () => {
    const store = await open();
    await store.transact('c', increment);
    await store.transact('d', increment);
    await store.close();

    // Writes to /dev/full fail with ENOSPC: every append to this journal fails.
    const openJournal = Journal.open.bind(Journal);
    vi.spyOn(Journal, 'open').mockImplementation((_at, options) => openJournal('/dev/full', options));
    const failing = await open();
    await expect(failing.transact('c', increment)).rejects.toBeInstanceOf(JournalWriteError);
    await expect(failing.transact('d', increment)).rejects.toBeInstanceOf(JournalWriteError);
    await expect(failing.transact('c', peek)).rejects.toBeInstanceOf(JournalWriteError);
    await failing.close();
    vi.restoreAllMocks();

    const reopened = await open();
    expect((await reopened.transact('c', peek)).turns).toBe(1);
    expect((await reopened.transact('d', peek)).turns).toBe(1);
  });
});

describe('LowConversationStore: close', () => {
  it('writes a last snapshot, leaves only STATE_FILE, can be called twice, and then refuses every call', async () => {
    const store = await open();
    const turns = Array.from({ length: 20 }, (_, i) => store.transact(`c-${i % 4}`, increment));
    await store.transact('k', increment);
    await Promise.all([store.close(), store.close()]);
    await Promise.all(turns);
    expect(storeFiles(file)).toEqual(['state.json']);
    const snapshot = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(snapshot.seq).toBe(21);
    expect(Object.values(snapshot.conversations).map((c) => (c as { state: ConversationState }).state.turns)).toEqual([
      5, 5, 5, 5, 1,
    ]);
    expect(snapshot.conversations.k.state.turns).toBe(1);

    await expect(store.transact('c-0', increment)).rejects.toBeInstanceOf(StoreClosedError);
    await expect(store.transact('c-0', increment)).rejects.toThrow(/closed: transact\(\) was called after close\(\)/);
    await expect(store.compact()).rejects.toBeInstanceOf(StoreClosedError);
    await expect(store.close()).resolves.toBeUndefined();
  });

  it('leaves no file behind when nothing was stored', async () => {
    const store = await open();
    await store.close();
    expect(storeFiles(file)).toEqual([]);
  });

  it('rejects options out of range, naming the option', async () => {
    await expect(LowConversationStore.open(file, { idleTtlMs: 0 })).rejects.toThrow(
      /idleTtlMs must be a number above 0/,
    );
    await expect(LowConversationStore.open(file, { maxEntries: 0.5 })).rejects.toThrow(/maxEntries/);
    await expect(LowConversationStore.open(file, { compactAfterBytes: -1 })).rejects.toThrow(/compactAfterBytes/);
    await expect(LowConversationStore.open(file, { sweepIntervalMs: Number.NaN })).rejects.toThrow(/sweepIntervalMs/);
  });
});
