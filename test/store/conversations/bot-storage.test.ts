import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConversationState as BotConversationState, type StoreItem, TestAdapter } from 'botbuilder';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ETagConflictError, LowConversationStore, readStateOnDisk } from '../../../src/store/conversations/store.js';
import { recordingLogger } from './helpers.js';

let dir: string;
let file: string;
const opened: LowConversationStore[] = [];

async function open(): Promise<LowConversationStore> {
  const store = await LowConversationStore.open(file, { logger: recordingLogger() });
  opened.push(store);
  return store;
}

/** What is on disk: the snapshot with the journal replayed, which is what a restarted store reads. */
function onDisk(): { conversations: Record<string, unknown>; items: Record<string, StoreItem> } {
  return readStateOnDisk(file);
}

/** The bytes of the snapshot and the journal. */
function rawFiles(): string {
  return [file, `${file}.journal`].map((at) => (fs.existsSync(at) ? fs.readFileSync(at, 'utf8') : '')).join('\n--\n');
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bot-storage-test-'));
  file = path.join(dir, 'state.json');
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('LowConversationStore as botbuilder Storage', () => {
  it('reads only the keys it has, each item with the eTag of its last write', async () => {
    const store = await open();
    expect(await store.read(['nothing'])).toEqual({});
    await store.write({ a: { count: 1 }, b: { list: [1, 2] } });
    const items = await store.read(['a', 'b', 'missing']);
    expect(Object.keys(items).sort()).toEqual(['a', 'b']);
    expect(items.a).toEqual({ count: 1, eTag: expect.any(String) });
    expect(items.b).toEqual({ list: [1, 2], eTag: expect.any(String) });
    expect(items.a!.eTag).not.toBe(items.b!.eTag);
  });

  it('gives every write a new eTag, and accepts a write that carries the current one', async () => {
    const store = await open();
    const seen = new Set<string>();
    await store.write({ k: { n: 0 } });
    for (let n = 1; n <= 5; n++) {
      const { eTag } = (await store.read(['k'])).k!;
      expect(seen.has(eTag!)).toBe(false);
      seen.add(eTag!);
      await store.write({ k: { n, eTag } });
    }
    expect((await store.read(['k'])).k!.n).toBe(5);
    expect(seen.size).toBe(5);
  });

  it('rejects a write with a stale eTag and stores nothing of that call, not even its other items', async () => {
    const store = await open();
    await store.write({ k: { n: 1 }, other: { n: 1 } });
    const stale = (await store.read(['k'])).k!.eTag;
    await store.write({ k: { n: 2, eTag: stale } });
    const before = rawFiles();

    const conflict = store.write({ other: { n: 99 }, k: { n: 3, eTag: stale } });
    await expect(conflict).rejects.toBeInstanceOf(ETagConflictError);
    await expect(conflict).rejects.toThrow(/"k" was written since it was read/);
    expect(await store.read(['k', 'other'])).toMatchObject({ k: { n: 2 }, other: { n: 1 } });
    expect(rawFiles()).toBe(before);
  });

  it('overwrites whatever is stored when the eTag is "*" or missing', async () => {
    const store = await open();
    await store.write({ k: { n: 1 } });
    await store.write({ k: { n: 2, eTag: '*' } });
    expect((await store.read(['k'])).k!.n).toBe(2);
    await store.write({ k: { n: 3 } });
    expect((await store.read(['k'])).k).toEqual({ n: 3, eTag: expect.any(String) });
  });

  it('lets exactly one of several concurrent writers holding the same eTag win', async () => {
    const store = await open();
    await store.write({ k: { winner: null } });
    const { eTag } = (await store.read(['k'])).k!;
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => store.write({ k: { winner: i, eTag } })),
    );
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ETagConflictError);
    expect((await store.read(['k'])).k!.winner).toBe(won[0]);
  });

  it('hands out copies: changing what was read or written changes nothing stored', async () => {
    const store = await open();
    const written = { nested: { n: 1 } };
    await store.write({ k: written });
    written.nested.n = 2;
    const read = (await store.read(['k'])).k!;
    read.nested.n = 3;
    expect((await store.read(['k'])).k!.nested).toEqual({ n: 1 });
  });

  it('stores what JSON keeps, as a reopened store reads it back', async () => {
    const store = await open();
    await store.write({ k: { when: new Date('2024-01-02T03:04:05.000Z'), gone: undefined, kept: null } });
    expect((await store.read(['k'])).k).toEqual({
      when: '2024-01-02T03:04:05.000Z',
      kept: null,
      eTag: expect.any(String),
    });
  });

  it('deletes items, ignoring keys it does not have', async () => {
    const store = await open();
    await store.write({ a: { n: 1 }, b: { n: 2 } });
    await store.delete(['a', 'never-there']);
    expect(Object.keys(await store.read(['a', 'b']))).toEqual(['b']);
    expect(Object.keys(onDisk().items)).toEqual(['b']);
    // After a delete, a write with the old eTag creates the item afresh (as botbuilder's MemoryStorage does).
    await expect(store.write({ a: { n: 3, eTag: 'old' } })).resolves.toBeUndefined();
  });

  it('rejects arguments that are not what the interface takes', async () => {
    const store = await open();
    await expect(store.read('k' as unknown as string[])).rejects.toThrow(TypeError);
    await expect(store.write([{ n: 1 }] as unknown as Record<string, StoreItem>)).rejects.toThrow(TypeError);
    await expect(store.write({ k: 'text' as unknown as StoreItem })).rejects.toThrow(/"k" must be an object/);
    await expect(store.delete('k' as unknown as string[])).rejects.toThrow(TypeError);
  });

  it('keeps items and eTags across a reopen, in the same file as the conversation store, with neither losing writes', async () => {
    const store = await open();
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => store.write({ [`item-${i}`]: { i } })),
      ...Array.from({ length: 20 }, (_, i) =>
        store.transact(`conversation-${i % 4}`, (s) => ({ state: { ...s, turns: s.turns + 1 }, result: null })),
      ),
    ]);
    const eTag = (await store.read(['item-3']))['item-3']!.eTag;
    await store.close();

    const file1 = onDisk();
    expect(Object.keys(file1.items)).toHaveLength(20);
    expect(Object.keys(file1.conversations)).toHaveLength(4);

    const reopened = await open();
    expect((await reopened.read(['item-3']))['item-3']).toEqual({ i: 3, eTag });
    await expect(reopened.write({ 'item-3': { i: 33, eTag: 'stale' } })).rejects.toBeInstanceOf(ETagConflictError);
    await reopened.write({ 'item-3': { i: 33, eTag } });
    expect(await reopened.transact('conversation-0', (s) => ({ state: s, result: s.turns }))).toBe(5);
  });

  it('drops stored items that are not objects with an eTag when opening', async () => {
    fs.writeFileSync(
      file,
      JSON.stringify({
        conversations: {},
        items: { good: { n: 1, eTag: 'e1' }, noETag: { n: 2 }, text: 'x', list: [1], nil: null },
      }),
    );
    const store = await open();
    expect(await store.read(['good', 'noETag', 'text', 'list', 'nil'])).toEqual({ good: { n: 1, eTag: 'e1' } });
  });

  it('opens a file written before items existed', async () => {
    fs.writeFileSync(file, JSON.stringify({ conversations: {} }));
    const store = await open();
    expect(await store.read(['k'])).toEqual({});
    await store.write({ k: { n: 1 } });
    expect(onDisk().items.k).toMatchObject({ n: 1 });
  });

  it('works under botbuilder’s own ConversationState', async () => {
    const store = await open();
    const state = new BotConversationState(store);
    const counter = state.createProperty<number>('count');
    const adapter = new TestAdapter(async (context) => {
      const count = (await counter.get(context, 0)) + 1;
      await counter.set(context, count);
      await state.saveChanges(context);
      await context.sendActivity(`count ${count}`);
    });
    await adapter.send('a').assertReply('count 1').send('b').assertReply('count 2').startTest();
    expect(Object.values(onDisk().items)).toEqual([expect.objectContaining({ count: 2, eTag: expect.any(String) })]);
  });
});
