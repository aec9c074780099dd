import { mkdir } from 'node:fs/promises';
import path from 'node:path';
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

interface StoredConversation {
  state: ConversationState;
  updatedAt: string;
}

interface StateFile {
  conversations: Record<string, StoredConversation>;
}

/**
 * The embedded default: a lowdb JSON file, one `Low` instance per file (two instances on one file lose
 * writes). lowdb writes through a temporary file and a rename, so the file is always whole JSON, and
 * coalesces writes that arrive while one is in flight.
 */
export class LowConversationStore implements ConversationStore {
  private readonly conversations = new Map<string, StoredConversation>();
  private readonly queues = new Map<string, Promise<unknown>>();

  private constructor(
    private readonly db: Low<StateFile>,
    private readonly now: () => Date,
  ) {}

  /** Opens (creating if needed) the store at `file`. Entries that are not valid conversation state are dropped. */
  static async open(file: string, now: () => Date = () => new Date()): Promise<LowConversationStore> {
    await mkdir(path.dirname(file), { recursive: true });
    const db = new Low<StateFile>(new JSONFile<StateFile>(file), { conversations: {} });
    try {
      await db.read();
    } catch (cause) {
      throw new Error(`${file}: the conversation store is not valid JSON; move it aside or delete it to start afresh`, {
        cause,
      });
    }
    const store = new LowConversationStore(db, now);
    const stored = db.data?.conversations;
    if (stored && typeof stored === 'object') {
      for (const [id, entry] of Object.entries(stored)) {
        if (isStoredConversation(entry)) store.conversations.set(id, entry);
      }
    }
    return store;
  }

  async transact<T>(id: string, turn: (state: ConversationState) => { state: ConversationState; result: T }): Promise<T> {
    const previous = this.queues.get(id) ?? Promise.resolve();
    const run = previous.then(async () => {
      const { state, result } = turn(this.conversations.get(id)?.state ?? emptyState());
      this.conversations.set(id, { state, updatedAt: this.now().toISOString() });
      await this.write();
      return result;
    });
    const settled = run.catch(() => undefined);
    this.queues.set(id, settled);
    void settled.then(() => {
      if (this.queues.get(id) === settled) this.queues.delete(id);
    });
    return run;
  }

  /** Number of stored conversations. */
  get size(): number {
    return this.conversations.size;
  }

  private write(): Promise<void> {
    this.db.data = { conversations: Object.fromEntries(this.conversations) };
    return this.db.write();
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()]);
  }
}

function isEntityRef(value: unknown): value is EntityRef {
  const v = value as EntityRef;
  return (
    typeof v === 'object' && v !== null && typeof v.id === 'string' && ['person', 'organization', 'place'].includes(v.kind)
  );
}

function isStoredConversation(value: unknown): value is StoredConversation {
  const v = value as StoredConversation;
  if (typeof v !== 'object' || v === null || typeof v.updatedAt !== 'string') return false;
  const s = v.state as ConversationState | undefined;
  return (
    typeof s === 'object' &&
    s !== null &&
    (s.lastIntent === null || typeof s.lastIntent === 'string') &&
    Array.isArray(s.entities) &&
    s.entities.every(isEntityRef) &&
    Number.isInteger(s.turns)
  );
}
