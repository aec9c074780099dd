import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationState } from '../../../src/core/types.js';
import { LowConversationStore, readStateOnDisk } from '../../../src/store/conversations/store.js';
import { recordingLogger } from '../../support/store.js';

let dir: string;
let file: string;
let logger: ReturnType<typeof recordingLogger>;
const opened: LowConversationStore[] = [];

async function open(at = file): Promise<LowConversationStore> {
  const store = await LowConversationStore.open(at, { now: () => new Date('2024-01-02T03:04:05.000Z'), logger });
  opened.push(store);
  return store;
}

/** A turn that counts questions in state.turns and returns the state it saw. */
function increment(state: ConversationState): { state: ConversationState; result: ConversationState } {
  return { state: { ...state, turns: state.turns + 1 }, result: state };
}

/** The snapshot file alone, as JSON. */
function readSnapshot(at = file): { conversations: Record<string, { state: ConversationState; updatedAt: string }> } {
  return JSON.parse(fs.readFileSync(at, 'utf8'));
}

/** What is on disk: the snapshot with the journal replayed, which is what a restarted store reads. */
function readFile(at = file): { conversations: Record<string, { state: ConversationState; updatedAt: string }> } {
  return readStateOnDisk(at);
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conversations-test-'));
  file = path.join(dir, 'nested', 'conversations.json');
  logger = recordingLogger();
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('LowConversationStore', () => {
  it('stores the state a turn returns, and a reopened store reads it back', async () => {
    const store = await open();
    const state: ConversationState = {
      lastIntent: 'linkedin.members',
      entities: [
        { id: 'linkedin', kind: 'organization' },
        { id: 'he-miao', kind: 'person' },
        { id: 'beijing', kind: 'place' },
      ],
      turns: 1,
    };
    const result = await store.transact('c-1', (before) => {
      expect(before).toEqual({ lastIntent: null, entities: [], turns: 0 });
      return { state, result: 'answered' };
    });
    expect(result).toBe('answered');
    expect(store.size).toBe(1);
    await store.close();

    const reopened = await open();
    expect(reopened.size).toBe(1);
    const seen = await reopened.transact('c-1', (before) => ({ state: before, result: before }));
    expect(seen).toEqual(state);
    expect(readFile().conversations['c-1']).toEqual({ state, updatedAt: '2024-01-02T03:04:05.000Z' });
  });

  it('creates the directory and leaves valid JSON on disk after each transact resolves', async () => {
    const store = await open();
    for (let i = 1; i <= 5; i++) {
      await store.transact(`c-${i % 2}`, increment);
      // The snapshot is written at compactions only; whenever there is one, it is whole JSON.
      if (fs.existsSync(file)) expect(() => readSnapshot()).not.toThrow();
      const onDisk = readFile();
      const total = Object.values(onDisk.conversations).reduce((n, c) => n + c.state.turns, 0);
      expect(total).toBe(i);
    }
    expect(readFile().conversations).toEqual({
      'c-0': { state: { lastIntent: null, entities: [], turns: 2 }, updatedAt: '2024-01-02T03:04:05.000Z' },
      'c-1': { state: { lastIntent: null, entities: [], turns: 3 }, updatedAt: '2024-01-02T03:04:05.000Z' },
    });
  });

  it('loses no update when 50 transacts on one conversation run concurrently, and runs them one after another', async () => {
    const store = await open();
    const seenOnDisk: (number | null)[] = [];
    const seenInState: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        store.transact('same', (state) => {
          seenInState.push(state.turns);
          // The previous turn's state must already be written when the next turn starts.
          seenOnDisk.push(readFile().conversations.same?.state.turns ?? null);
          return { state: { ...state, turns: state.turns + 1 }, result: state.turns };
        }),
      ),
    );
    // Each turn saw the state the previous one left, in call order.
    expect(seenInState).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(results).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(seenOnDisk[0]).toBeNull();
    expect(seenOnDisk.slice(1)).toEqual(Array.from({ length: 49 }, (_, i) => i + 1));

    expect(readFile().conversations.same!.state.turns).toBe(50);
    await store.close();
    const reopened = await open();
    expect(await reopened.transact('same', (s) => ({ state: s, result: s.turns }))).toBe(50);
  });

  it('does not hold one conversation back behind another one’s queue', async () => {
    const store = await open();
    const finished: string[] = [];
    const slow = Array.from({ length: 20 }, (_, i) =>
      store.transact('busy', increment).then(() => finished.push(`busy-${i}`)),
    );
    const quick = store.transact('quiet', increment).then(() => finished.push('quiet'));
    await Promise.all([...slow, quick]);
    expect(finished).toHaveLength(21);
    // 'quiet' needs one write; 'busy' needs twenty in a row, so 'quiet' finishes well before the last of them.
    expect(finished.indexOf('quiet')).toBeLessThan(finished.indexOf('busy-19'));
    expect(finished.indexOf('quiet')).toBeLessThan(5);
    const onDisk = readFile().conversations;
    expect(onDisk.busy!.state.turns).toBe(20);
    expect(onDisk.quiet!.state.turns).toBe(1);
  });

  it('drops entries that are not valid state when opening, and keeps the valid one', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const good = {
      state: { lastIntent: 'tianji.about', entities: [{ id: 'tianji', kind: 'organization' }], turns: 3 },
      updatedAt: 'x',
    };
    fs.writeFileSync(
      file,
      JSON.stringify({
        conversations: {
          good,
          number: 42,
          nullish: null,
          noUpdatedAt: { state: { lastIntent: null, entities: [], turns: 1 } },
          noState: { updatedAt: 'x' },
          badTurns: { state: { lastIntent: null, entities: [], turns: 'many' }, updatedAt: 'x' },
          fractionalTurns: { state: { lastIntent: null, entities: [], turns: 1.5 }, updatedAt: 'x' },
          badIntent: { state: { lastIntent: 7, entities: [], turns: 1 }, updatedAt: 'x' },
          badEntities: { state: { lastIntent: null, entities: 'linkedin', turns: 1 }, updatedAt: 'x' },
          badEntityKind: {
            state: { lastIntent: null, entities: [{ id: 'x', kind: 'planet' }], turns: 1 },
            updatedAt: 'x',
          },
          badEntityId: { state: { lastIntent: null, entities: [{ id: 3, kind: 'person' }], turns: 1 }, updatedAt: 'x' },
        },
      }),
    );
    const store = await open();
    expect(store.size).toBe(1);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ invalidInSnapshot: 10 }) }),
    );
    expect(await store.transact('good', (s) => ({ state: s, result: s }))).toEqual(good.state);
    // A dropped entry starts afresh.
    expect(await store.transact('badTurns', (s) => ({ state: s, result: s }))).toEqual({
      lastIntent: null,
      entities: [],
      turns: 0,
    });
    // Opening rewrote the snapshot without the invalid entries; the journal holds the next write.
    expect(Object.keys(readSnapshot().conversations)).toEqual(['good']);
    expect(Object.keys(readFile().conversations).sort()).toEqual(['badTurns', 'good']);
  });

  it('opens a file whose conversations field is missing or not an object as empty', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ conversations: 'nope' }));
    const store = await open();
    expect(store.size).toBe(0);
    await store.transact('c', increment);
    expect(readFile().conversations.c!.state.turns).toBe(1);
  });

  it('rejects a file that is not JSON with a message naming the file', async () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"conversations": {');
    await expect(LowConversationStore.open(file)).rejects.toThrow(file);
    await expect(LowConversationStore.open(file)).rejects.toThrow(/not valid JSON/);
    // The broken file is left as it was, for someone to look at.
    expect(fs.readFileSync(file, 'utf8')).toBe('{"conversations": {');
  });

  it('rejects a transact whose turn throws, and later transacts on the same id still work', async () => {
    const store = await open();
    await store.transact('c', increment);
    const failing = store.transact('c', () => {
      throw new Error('turn failed');
    });
    const after = store.transact('c', increment);
    await expect(failing).rejects.toThrow('turn failed');
    // The failed turn stored nothing: the next turn sees the state from before it.
    expect(await after).toEqual({ lastIntent: null, entities: [], turns: 1 });
    expect(await store.transact('c', increment)).toEqual({ lastIntent: null, entities: [], turns: 2 });
    expect(readFile().conversations.c!.state.turns).toBe(3);
    await expect(store.close()).resolves.toBeUndefined();
  });
});
