import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { ConversationState, EntityRef } from '../core/types.js';
import { emptyState } from '../core/types.js';

/** Per-conversation state, keyed by conversation id. */
export interface ConversationStore {
  /**
   * Runs one turn: reads the conversation's state, calls `turn` with it, stores the state it returns, and
   * resolves with its result only after that state is written. Turns of one conversation run one after
   * another, so concurrent questions never lose each other's context.
   */
  transact<T>(id: string, turn: (state: ConversationState) => { state: ConversationState; result: T }): Promise<T>;
  /** Waits for pending writes. */
  close(): Promise<void>;
}

/**
 * A write through the botbuilder {@link Storage} interface whose eTag is not the stored item's: the item was
 * written since it was read. Nothing of that write is stored; read the item again and retry.
 */
export class ETagConflictError extends Error {
  constructor(readonly key: string) {
    super(`Storage: "${key}" was written since it was read (eTag conflict); read it again and retry`);
    this.name = 'ETagConflictError';
  }
}

/**
 * Runs tasks one after another per key, in the order they were queued; tasks of different keys run
 * concurrently. A task that fails does not stop the ones queued after it.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Queues `task` behind the tasks already queued for `key`; settles as `task` does. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.then(task);
    const settled = run.catch(() => undefined);
    this.tails.set(key, settled);
    void settled.then(() => {
      if (this.tails.get(key) === settled) this.tails.delete(key);
    });
    return run;
  }

  /** Resolves once every task queued so far has settled. */
  async idle(): Promise<void> {
    await Promise.all([...this.tails.values()]);
  }
}

interface StoredConversation {
  state: ConversationState;
  updatedAt: string;
}

/** A botbuilder store item as kept in the file: plain JSON with the eTag of its last write. */
type StoredItem = Record<string, unknown> & { eTag: string };

interface StateFile {
  /** Conversation state of the JSON webhook and the platform channels ({@link ConversationStore}). */
  conversations: Record<string, StoredConversation>;
  /** Items written through botbuilder's {@link Storage} interface (the Bot Framework channel's state). */
  items: Record<string, StoredItem>;
}

/**
 * The embedded default: one lowdb JSON file holding both the {@link ConversationStore} of the webhook and the
 * platform channels and the botbuilder {@link Storage} of the Bot Framework channel, through one `Low`
 * instance (two instances on one file lose writes). lowdb writes through a temporary file and a rename, so
 * the file is always whole JSON, and coalesces writes that arrive while one is in flight.
 *
 * As a {@link Storage}: `read` returns copies of the stored items with their `eTag`; `write` stores plain-JSON
 * copies, each with a new eTag, and rejects with {@link ETagConflictError} (storing nothing of that call) when
 * a change carries an eTag other than `*` that differs from the stored item's; a change without an eTag, or
 * with `*`, overwrites; `delete` ignores missing keys. Each call resolves once the file holds its effect.
 */
export class LowConversationStore implements ConversationStore, Storage {
  private readonly conversations = new Map<string, StoredConversation>();
  private readonly items = new Map<string, StoredItem>();
  private readonly turns = new KeyedQueue();
  private readonly pendingWrites = new Set<Promise<void>>();

  private constructor(
    private readonly db: Low<StateFile>,
    private readonly now: () => Date,
  ) {}

  /** Opens (creating if needed) the store at `file`. Entries that are not valid state or items are dropped. */
  static async open(file: string, now: () => Date = () => new Date()): Promise<LowConversationStore> {
    await mkdir(path.dirname(file), { recursive: true });
    const db = new Low<StateFile>(new JSONFile<StateFile>(file), { conversations: {}, items: {} });
    try {
      await db.read();
    } catch (cause) {
      throw new Error(`${file}: the conversation store is not valid JSON; move it aside or delete it to start afresh`, {
        cause,
      });
    }
    const store = new LowConversationStore(db, now);
    for (const [id, entry] of entriesOf(db.data?.conversations)) {
      if (isStoredConversation(entry)) store.conversations.set(id, entry);
    }
    for (const [key, item] of entriesOf(db.data?.items)) {
      if (isPlainObject(item) && typeof item.eTag === 'string') store.items.set(key, item as StoredItem);
    }
    return store;
  }

  transact<T>(id: string, turn: (state: ConversationState) => { state: ConversationState; result: T }): Promise<T> {
    return this.turns.run(id, async () => {
      const { state, result } = turn(this.conversations.get(id)?.state ?? emptyState());
      this.conversations.set(id, { state, updatedAt: this.now().toISOString() });
      await this.persist();
      return result;
    });
  }

  /** Number of stored conversations ({@link ConversationStore} side). */
  get size(): number {
    return this.conversations.size;
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!Array.isArray(keys)) throw new TypeError('Storage.read: keys must be an array of strings');
    const found: StoreItems = {};
    for (const key of keys) {
      const item = this.items.get(key);
      // A copy, so a caller changing what it read changes nothing stored until it writes.
      if (item) found[key] = structuredClone(item);
    }
    return found;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!isPlainObject(changes)) throw new TypeError('Storage.write: changes must be an object of items by key');
    // Every item is checked and copied before anything changes, so a rejected call stores nothing.
    const accepted: [string, StoredItem][] = [];
    for (const [key, change] of Object.entries(changes as Record<string, unknown>)) {
      if (!isPlainObject(change)) throw new TypeError(`Storage.write: the item "${key}" must be an object`);
      const expected = (change as StoreItem).eTag;
      const stored = this.items.get(key);
      if (stored && expected && expected !== '*' && expected !== stored.eTag) throw new ETagConflictError(key);
      // What JSON keeps is exactly what the file will hold and what a reopened store reads back.
      const { eTag: _previous, ...value } = JSON.parse(JSON.stringify(change)) as StoredItem;
      accepted.push([key, { ...value, eTag: randomUUID() }]);
    }
    for (const [key, item] of accepted) this.items.set(key, item);
    await this.persist();
  }

  async delete(keys: string[]): Promise<void> {
    if (!Array.isArray(keys)) throw new TypeError('Storage.delete: keys must be an array of strings');
    let deleted = false;
    for (const key of keys) deleted = this.items.delete(key) || deleted;
    if (deleted) await this.persist();
  }

  async close(): Promise<void> {
    await this.turns.idle();
    // A failed write already rejected the call that made it; closing only waits for it.
    await Promise.allSettled([...this.pendingWrites]);
  }

  private persist(): Promise<void> {
    this.db.data = { conversations: Object.fromEntries(this.conversations), items: Object.fromEntries(this.items) };
    const written = this.db.write();
    this.pendingWrites.add(written);
    const forget = () => this.pendingWrites.delete(written);
    written.then(forget, forget);
    return written;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entriesOf(value: unknown): [string, unknown][] {
  return isPlainObject(value) ? Object.entries(value) : [];
}

function isEntityRef(value: unknown): value is EntityRef {
  const v = value as EntityRef;
  return (
    typeof v === 'object' && v !== null && typeof v.id === 'string' && ['person', 'organization', 'place'].includes(v.kind)
  );
}

/** Whether `value` is a {@link ConversationState} the core can use (state read back from a file is untrusted). */
export function isConversationState(value: unknown): value is ConversationState {
  const s = value as ConversationState | undefined;
  return (
    typeof s === 'object' &&
    s !== null &&
    (s.lastIntent === null || typeof s.lastIntent === 'string') &&
    Array.isArray(s.entities) &&
    s.entities.every(isEntityRef) &&
    Number.isInteger(s.turns)
  );
}

function isStoredConversation(value: unknown): value is StoredConversation {
  const v = value as StoredConversation;
  return typeof v === 'object' && v !== null && typeof v.updatedAt === 'string' && isConversationState(v.state);
}
