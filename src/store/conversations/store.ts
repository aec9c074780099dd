import { mkdir, open as openFile, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import type { ConversationState } from '../../core/types.js';
import { emptyState } from '../../core/types.js';
import { createLogger, describeError, type Logger } from '../../log.js';
import { Journal } from './journal.js';
import { KeyedQueue } from './keyed-queue.js';
import { lockStateFile } from './lock.js';
import { SnapshotFile, type SnapshotSource } from './snapshot-file.js';
import {
  type Contents,
  type Entry,
  fromSnapshot,
  journalPaths,
  newReport,
  replay,
  type StoredConversation,
} from './state-file.js';

export { JournalWriteError } from './journal.js';
export { readStateOnDisk } from './state-file.js';

/** Per-conversation state, keyed by conversation id. */
export interface ConversationStore {
  /**
   * Runs one turn: reads the conversation's state, calls `turn` with it, stores the state it returns, and
   * resolves with its result only after that state is written. Turns of one conversation run one after
   * another, so concurrent questions never lose each other's context.
   */
  transact<T>(id: string, turn: (state: ConversationState) => { state: ConversationState; result: T }): Promise<T>;
  /** Waits for the turns already started and their writes, then releases the store. */
  close(): Promise<void>;
  /** Null when turns can be stored, else why not (see {@link LowConversationStore.unwritable}). */
  unwritable?(): Promise<string | null>;
  /** Whether `close()` could not write everything it holds, so shutdown exits non-zero. */
  readonly flushFailed?: boolean;
}

/** A call on a store after its `close()`: nothing was read or stored. Open the store again to use it. */
export class StoreClosedError extends Error {
  constructor(readonly operation: string) {
    super(`The conversation store is closed: ${operation}() was called after close(); open the store again to use it`);
    this.name = 'StoreClosedError';
  }
}

/** How a {@link LowConversationStore} keeps its files and its size; every field has a default. */
export interface StoreOptions {
  /**
   * A conversation not written for longer than this is dropped: a later turn starts
   * afresh, and the next snapshot leaves it out. Default 24 hours; `Infinity` keeps entries forever.
   */
  idleTtlMs?: number;
  /**
   * At most this many conversations are kept; past it the least recently written
   * tenth is dropped. A bound on memory and file size whatever the traffic (random conversation ids included).
   * Default 100,000.
   */
  maxEntries?: number;
  /**
   * The journal is folded into a new snapshot once it holds this many bytes, or as many as the last snapshot
   * if that is more (so the snapshot is rewritten at most once per its own size of journal). Default 4 MiB.
   */
  compactAfterBytes?: number;
  /** How often expired entries are dropped from memory; 0 turns the timer off (call `sweep()`). Default 60 s. */
  sweepIntervalMs?: number;
  /**
   * Flush every journal write and snapshot to the disk (fdatasync) before acknowledging it, so that changes
   * survive power loss, not only a killed process. Costs a disk flush per group of writes. Default false.
   */
  fsync?: boolean;
  /** The clock for `updatedAt` and expiry (tests pass a fake one). Default: the system clock. */
  now?: () => Date;
  /** Where recovery and compaction problems are reported. Default: warnings and errors as JSON on stderr. */
  logger?: Logger;
}

/** Default idle time after which a conversation is dropped: 24 hours. */
export const DEFAULT_IDLE_TTL_MS = 24 * 60 * 60 * 1000;
const DEFAULT_MAX_ENTRIES = 100_000;
const DEFAULT_COMPACT_AFTER_BYTES = 4 * 1024 * 1024;
const DEFAULT_SWEEP_INTERVAL_MS = 60_000;

interface Settings {
  idleTtlMs: number;
  maxEntries: number;
  compactAfterBytes: number;
  sweepIntervalMs: number;
  fsync: boolean;
  now: () => Date;
  logger: Logger;
}

/** What the store reports about itself (for logs and benchmarks). */
export interface StoreStats {
  conversations: number;
  /** Number of the last change made. */
  seq: number;
  journalBytes: number;
  /** Writes to the journal since opening: fewer than changes when group commit batched them. */
  journalWrites: number;
  compactions: number;
  snapshotBytes: number;
}

/**
 * The embedded default: the {@link ConversationStore} of every channel, in one snapshot file (STATE_FILE,
 * through one lowdb `Low` instance: two on one file lose writes) and a journal beside it (see `state-file.ts`
 * for the format).
 *
 * Every change is one line appended to the journal; changes made together go out in one write (group commit),
 * and each call resolves only once its line is written, so a reply never gets ahead of the state it depends
 * on, and a process killed at any moment loses nothing that was acknowledged. The cost of a change does not
 * depend on how many entries are stored. The journal is folded into a new snapshot (compaction) once it has
 * grown past `compactAfterBytes` (or the snapshot's size), when expiry has emptied a quarter of the snapshot,
 * and on `close()`; turns carry on meanwhile. The snapshot is written whole through a temporary file and a
 * rename, so STATE_FILE is valid JSON at every moment. Entries idle for longer than `idleTtlMs` are dropped
 * (on access, by a periodic sweep, and from the file at the next compaction), and at most `maxEntries` are
 * kept, so the files stay bounded however long the server runs.
 *
 * Every method rejects with {@link StoreClosedError} once `close()` has been called.
 */
export class LowConversationStore implements ConversationStore {
  private readonly turns = new KeyedQueue();
  private readonly paths: { current: string; old: string };
  /** Set while `.journal.old` may hold records no snapshot has; a compaction must not rotate over it then. */
  private oldJournal = false;
  private snapshotEntries: number;
  /** Entries dropped by expiry or the cap since the last snapshot: the part of it that is dead weight. */
  private removedSinceSnapshot = 0;
  private compaction: Promise<void> | null = null;
  /** When a turn's write last failed (ms, the store's clock), for {@link unwritable}. */
  private lastWriteFailure: number | null = null;
  private probe: { at: number; reason: string | null } | null = null;
  private flushError: unknown = null;
  /** After a failed compaction, the journal size at which to try again (not at every write meanwhile). */
  private retryCompactionAt = 0;
  private compactions = 0;
  private closing: Promise<void> | null = null;
  private readonly sweeper: NodeJS.Timeout | null = null;

  private constructor(
    private readonly file: string,
    private readonly db: Low<unknown>,
    private readonly contents: Contents,
    private readonly journal: Journal,
    private readonly settings: Settings,
    private snapshotBytes: number,
    /** Gives up the state file's lock (see {@link lockStateFile}). */
    private readonly release: () => Promise<void>,
  ) {
    this.paths = journalPaths(file);
    this.snapshotEntries = contents.conversations.size;
    if (settings.sweepIntervalMs > 0) {
      this.sweeper = setInterval(() => this.sweep(), settings.sweepIntervalMs);
      // The sweep is housekeeping: it must not keep a process alive that has nothing else to do.
      this.sweeper.unref();
    }
  }

  /**
   * Opens (creating if needed) the store whose snapshot is `file`, recovering every change its journal holds
   * (after a crash, the journal is the only record of the latest turns). Files written before the journal
   * existed open as they are. Entries that are not valid state, an incomplete last journal line, entries
   * already expired and an earlier version's Bot Framework Storage items are dropped, and reported through the
   * logger. When anything was recovered or
   * dropped, the result is written as a fresh snapshot before the store is returned, so the journal starts
   * empty; otherwise the snapshot is left as it is (and a new store has none until it first compacts).
   * Rejects, naming the file, when the snapshot is not valid JSON, holds JSON that is not a conversation store,
   * or the files cannot be read or written; and with {@link StateFileInUseError} when another live process has
   * it open (the store takes `${file}.lock` first, and gives it up on `close()`).
   */
  static async open(file: string, options: StoreOptions = {}): Promise<LowConversationStore> {
    const settings = settingsFrom(options);
    await mkdir(path.dirname(file), { recursive: true });
    // Before anything is read or written: a second server must not fold and delete the first one's journal.
    const release = await lockStateFile(file);
    try {
      return await LowConversationStore.openLocked(file, settings, release);
    } catch (error) {
      await release();
      throw error;
    }
  }

  private static async openLocked(
    file: string,
    settings: Settings,
    release: () => Promise<void>,
  ): Promise<LowConversationStore> {
    // Not lowdb's JSONFile: its 2-space indentation nearly doubles the snapshot's size (2.0 against 3.8 MB for
    // 10,000 conversations) for no reader, and its one JSON.stringify of the whole would stop every request while
    // a large store compacts.
    const db = new Low<unknown>(new SnapshotFile(file, settings.fsync), null);
    try {
      await db.read();
    } catch (cause) {
      if (cause instanceof SyntaxError) {
        throw new Error(
          `STATE_FILE ${file}: the conversation store is not valid JSON; move it aside or delete it to start afresh`,
          {
            cause,
          },
        );
      }
      throw new Error(`STATE_FILE ${file}: the conversation store cannot be read: ${(cause as Error).message}`, {
        cause,
      });
    }
    const snapshotFound = db.data !== null;
    const foreign = foreignKeys(db.data);
    if (foreign !== null) {
      throw new Error(
        `STATE_FILE ${file} holds JSON that is not a conversation store (${foreign}); nothing was changed. Set STATE_FILE to a file of its own, or move this one aside`,
      );
    }

    const openedAt = settings.now().getTime();
    const report = newReport();
    const contents = fromSnapshot(db.data, openedAt, report);
    // The parsed file is not kept: the contents hold each conversation's text, and the parsed objects of 100,000
    // conversations would take about 55 MB more until the first compaction.
    db.data = null;
    const paths = journalPaths(file);
    const journals = (await Promise.all([readText(paths.old), readText(paths.current)])).filter(
      (text): text is string => text !== null,
    );
    replay(contents, journals, openedAt, report);
    const expired = dropExpired(contents, openedAt - settings.idleTtlMs);
    const evicted = evictOldest(contents.conversations, settings.maxEntries);

    let snapshotBytes = snapshotFound ? (await stat(file)).size : 0;
    if (journals.length > 0 || report.invalidInSnapshot + report.legacyItems + expired + evicted > 0) {
      // Folding the journals in now means appending never starts behind an incomplete line.
      try {
        snapshotBytes = await writeSnapshot(db, file, contents, settings.fsync);
        await rm(paths.old, { force: true });
        await rm(paths.current, { force: true });
      } catch (cause) {
        throw new Error(`STATE_FILE ${file}: the conversation store cannot be written: ${(cause as Error).message}`, {
          cause,
        });
      }
    }
    const journal = await Journal.open(paths.current, { fsync: settings.fsync });
    const store = new LowConversationStore(file, db, contents, journal, settings, snapshotBytes, release);

    const found = {
      file,
      ...report,
      expired,
      evicted,
      conversations: contents.conversations.size,
    };
    if (report.tornLines + report.invalidLines + report.invalidInSnapshot > 0) {
      settings.logger.warn('conversation store: dropped what could not be read', found);
    } else if (report.legacyItems > 0) {
      settings.logger.info(
        'conversation store: dropped the Bot Framework state an earlier version kept apart; those conversations start afresh once',
        found,
      );
    } else if (journals.length > 0) {
      settings.logger.info('conversation store: recovered changes from the journal', found);
    }
    return store;
  }

  transact<T>(id: string, turn: (state: ConversationState) => { state: ConversationState; result: T }): Promise<T> {
    if (this.closing) return Promise.reject(new StoreClosedError('transact'));
    return this.turns.run(id, async () => {
      const now = this.settings.now().getTime();
      const previous = this.live(this.contents.conversations, id, now);
      const stored = previous ? (JSON.parse(previous.value) as StoredConversation).state : emptyState();
      const { state, result } = turn(stored);
      const value: StoredConversation = { state, updatedAt: new Date(now).toISOString() };
      const entry: Entry<string> = { value: JSON.stringify(value), at: now };
      const map = this.contents.conversations;
      map.set(id, entry);
      this.evictOverCap(map, id);
      try {
        await this.commit(id, entry.value, () => {
          if (map.get(id) === entry) restore(map, id, previous);
        });
      } catch (error) {
        this.lastWriteFailure = this.settings.now().getTime();
        throw error;
      }
      return result;
    });
  }

  /**
   * Null when the store can store turns, else why not: a turn's write failed in the last
   * {@link UNWRITABLE_FOR_MS}, or a file cannot be written beside STATE_FILE now (a full disk, a read-only or
   * removed folder). For a readiness check: the answer of one probe is kept for a second.
   */
  async unwritable(): Promise<string | null> {
    const now = this.settings.now().getTime();
    if (this.closing) return 'the conversation store is closed';
    if (this.lastWriteFailure !== null && now - this.lastWriteFailure < UNWRITABLE_FOR_MS)
      return `STATE_FILE ${this.file}: a turn could not be written to the journal`;
    if (this.probe && now - this.probe.at < PROBE_FOR_MS) return this.probe.reason;
    const probeFile = `${this.file}.probe`;
    let reason: string | null = null;
    try {
      await writeFile(probeFile, 'probe');
      await rm(probeFile, { force: true });
    } catch (error) {
      reason = `STATE_FILE ${this.file}: its folder cannot be written: ${(error as Error).message}`;
    }
    this.probe = { at: now, reason };
    return reason;
  }

  /** Whether `close()` could not write the last snapshot (the journal, if it could be written, holds every turn). */
  get flushFailed(): boolean {
    return this.flushError !== null;
  }

  /** Number of stored conversations ({@link ConversationStore} side), counting any expired since the last sweep. */
  get size(): number {
    return this.contents.conversations.size;
  }

  /** Counters for logs and benchmarks. */
  get stats(): StoreStats {
    const journal = this.journal.stats;
    return {
      conversations: this.contents.conversations.size,
      seq: this.contents.seq,
      journalBytes: journal.bytes,
      journalWrites: journal.writes,
      compactions: this.compactions,
      snapshotBytes: this.snapshotBytes,
    };
  }

  /**
   * Drops every conversation not written for longer than `idleTtlMs` from memory, and returns how
   * many. Runs every `sweepIntervalMs` by itself. Once what expiry and the cap dropped since the last snapshot
   * is a quarter of that snapshot, it starts a compaction too, so the file shrinks even when traffic is too
   * light to fill the journal.
   */
  sweep(): number {
    if (this.closing) return 0;
    const removed = dropExpired(this.contents, this.settings.now().getTime() - this.settings.idleTtlMs);
    this.removedSinceSnapshot += removed;
    if (removed > 0 && !this.compaction && this.removedSinceSnapshot * 4 >= this.snapshotEntries)
      this.startCompaction();
    return removed;
  }

  /**
   * Writes a snapshot of everything stored now (expired entries left out) and deletes the journal it replaces.
   * Turns go on meanwhile, into a new journal. Resolves once the snapshot is written; a call made while a
   * compaction runs waits for it and then makes its own. If it rejects, nothing is lost: the journal still
   * holds every change, and the next compaction or open folds it in.
   */
  compact(): Promise<void> {
    if (this.closing) return Promise.reject(new StoreClosedError('compact'));
    return this.compactAfterCurrent();
  }

  /**
   * Waits for the turns already started and their writes, writes a last snapshot and closes the files.
   * Resolves even if that snapshot cannot be written (it logs why): the journal keeps every change and the
   * next open recovers it. Safe to call more than once; every method rejects with {@link StoreClosedError} after.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await this.turns.idle();
    await this.journal.drain();
    await this.compaction?.catch(() => undefined);
    this.removedSinceSnapshot += dropExpired(this.contents, this.settings.now().getTime() - this.settings.idleTtlMs);
    const unsaved = this.journal.stats.bytes > 0 || this.oldJournal || this.removedSinceSnapshot > 0;
    try {
      // A store that stored nothing leaves no file behind.
      if (unsaved) await this.compactAfterCurrent();
    } catch (error) {
      this.flushError = error;
      this.settings.logger.error(
        'conversation store: the last snapshot could not be written; the journal keeps every change',
        {
          file: this.file,
          ...describeError(error),
        },
      );
    }
    await this.journal.close().catch(() => undefined);
    // After a clean compaction the journal is empty: leave STATE_FILE alone on disk, as before the journal.
    if (!this.oldJournal && this.journal.stats.bytes === 0)
      await rm(this.paths.current, { force: true }).catch(() => undefined);
    // Last: another process may take the file once this one has written all it will.
    await this.release().catch(() => undefined);
  }

  /** The entry of `key`, unless it has expired: then it is dropped, as a sweep would. */
  private live<T>(map: Map<string, Entry<T>>, key: string, now: number): Entry<T> | undefined {
    const entry = map.get(key);
    if (entry && entry.at < now - this.settings.idleTtlMs) {
      map.delete(key);
      this.removedSinceSnapshot += 1;
      return undefined;
    }
    return entry;
  }

  private evictOverCap<T>(map: Map<string, Entry<T>>, ...writing: string[]): void {
    if (map.size <= this.settings.maxEntries) return;
    // A tenth at a time: finding the oldest takes a sort, which this spreads over the next tenth of writes.
    this.removedSinceSnapshot += evictOldest(map, Math.floor(this.settings.maxEntries * 0.9), writing);
  }

  /**
   * Numbers the change of conversation `id` to `value` (its JSON text), appends it to the journal, and resolves
   * once it is written. The change is already in
   * memory (so later turns see it); if the write fails, `undo` takes it back out.
   */
  private commit(id: string, value: string, undo: () => void): Promise<void> {
    const seq = ++this.contents.seq;
    // The record as JSON.stringify({ seq, op, id, value }) would write it, from the value's text already made.
    const record = `${JSON.stringify({ seq, op: 'conversation', id }).slice(0, -1)},"value":${value}}`;
    return this.journal.append(record).then(
      () => this.compactIfDue(),
      (error: unknown) => {
        undo();
        throw error;
      },
    );
  }

  private compactIfDue(): void {
    if (this.compaction || this.closing) return;
    const threshold = Math.max(this.settings.compactAfterBytes, this.snapshotBytes, this.retryCompactionAt);
    if (this.journal.stats.bytes >= threshold) this.startCompaction();
  }

  private startCompaction(): void {
    this.compactAfterCurrent().catch((error: unknown) => {
      this.retryCompactionAt = this.journal.stats.bytes + this.settings.compactAfterBytes;
      this.settings.logger.error(
        'conversation store: compaction failed; the journal keeps every change, retrying later',
        {
          file: this.file,
          ...describeError(error),
        },
      );
    });
  }

  private compactAfterCurrent(): Promise<void> {
    const run = (this.compaction ?? Promise.resolve()).catch(() => undefined).then(() => this.runCompaction());
    this.compaction = run;
    const forget = () => {
      if (this.compaction === run) this.compaction = null;
    };
    run.then(forget, forget);
    return run;
  }

  private async runCompaction(): Promise<void> {
    // If the last compaction failed after rotating, `.journal.old` still holds records no snapshot has:
    // rotating again would overwrite it. The snapshot below covers both files, so skipping the rotation is safe.
    if (!this.oldJournal) {
      await this.journal.rotate(this.paths.old);
      this.oldJournal = true;
    }
    const removed = dropExpired(this.contents, this.settings.now().getTime() - this.settings.idleTtlMs);
    // Taken after the rotation, from memory: it holds every record of `.journal.old`, and any record of the
    // new journal up to its seq, which replay then skips. (It may also hold a change whose journal write is
    // still in flight; should that write fail, the call rejects but the snapshot keeps the change: a rare
    // case that errs towards keeping state, never towards losing an acknowledged one.)
    const { seq } = this.contents;
    const entries = this.contents.conversations.size;
    this.snapshotBytes = await writeSnapshot(this.db, this.file, this.contents, this.settings.fsync);
    await rm(this.paths.old, { force: true });
    this.oldJournal = false;
    this.snapshotEntries = entries;
    this.removedSinceSnapshot = 0;
    this.retryCompactionAt = 0;
    this.compactions += 1;
    this.settings.logger.debug('conversation store: compacted', {
      file: this.file,
      seq,
      entries,
      expired: removed,
    });
  }
}

/** How long a failed turn write keeps the store reported unwritable, so a supervisor sees it. */
const UNWRITABLE_FOR_MS = 10_000;
/** How long one probe's answer is kept, so a readiness check polled often does not write at every poll. */
const PROBE_FOR_MS = 1_000;

/** The keys a snapshot may have: this version's, and an earlier version's Bot Framework items. */
const SNAPSHOT_KEYS: ReadonlySet<string> = new Set(['seq', 'conversations', 'items', 'itemsUpdatedAt']);

/**
 * Null when parsed snapshot data is a conversation store (or there is none); else what it holds instead, for the
 * message: a copy of package.json is refused rather than overwritten.
 */
function foreignKeys(data: unknown): string | null {
  if (data === null) return null;
  if (typeof data !== 'object' || Array.isArray(data)) return Array.isArray(data) ? 'an array' : `a ${typeof data}`;
  const foreign = Object.keys(data).filter((k) => !SNAPSHOT_KEYS.has(k));
  if (foreign.length === 0) return null;
  return `it has ${foreign
    .slice(0, 3)
    .map((k) => `"${k}"`)
    .join(', ')}${foreign.length > 3 ? ', …' : ''}`;
}

function settingsFrom(options: StoreOptions): Settings {
  const settings: Settings = {
    idleTtlMs: options.idleTtlMs ?? DEFAULT_IDLE_TTL_MS,
    maxEntries: options.maxEntries ?? DEFAULT_MAX_ENTRIES,
    compactAfterBytes: options.compactAfterBytes ?? DEFAULT_COMPACT_AFTER_BYTES,
    sweepIntervalMs: options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS,
    fsync: options.fsync ?? false,
    now: options.now ?? (() => new Date()),
    logger: options.logger ?? createLogger('warn'),
  };
  const positive = (name: 'idleTtlMs' | 'compactAfterBytes', value: number) => {
    if (!(typeof value === 'number' && value > 0)) {
      throw new RangeError(`LowConversationStore.open: ${name} must be a number above 0, not ${String(value)}`);
    }
  };
  positive('idleTtlMs', settings.idleTtlMs);
  positive('compactAfterBytes', settings.compactAfterBytes);
  if (!Number.isSafeInteger(settings.maxEntries) || settings.maxEntries < 1) {
    throw new RangeError(
      `LowConversationStore.open: maxEntries must be a whole number of at least 1, not ${String(settings.maxEntries)}`,
    );
  }
  if (!(Number.isFinite(settings.sweepIntervalMs) && settings.sweepIntervalMs >= 0)) {
    throw new RangeError(
      `LowConversationStore.open: sweepIntervalMs must be 0 (no timer) or more, not ${String(settings.sweepIntervalMs)}`,
    );
  }
  return settings;
}

/** Removes entries last written before `cutoff` (ms); returns how many. */
function dropExpired(contents: Contents, cutoff: number): number {
  let removed = 0;
  for (const [id, entry] of contents.conversations) {
    if (entry.at < cutoff) {
      contents.conversations.delete(id);
      removed += 1;
    }
  }
  return removed;
}

/**
 * Drops the least recently written entries of `map` until it holds `keep` (the keys in `spare` are never
 * dropped); returns how many it dropped. Sorts the whole map: call it for many entries at once, not one by one.
 */
function evictOldest<T>(map: Map<string, Entry<T>>, keep: number, spare: readonly string[] = []): number {
  if (map.size <= keep) return 0;
  const oldestFirst = [...map].filter(([key]) => !spare.includes(key)).sort((a, b) => a[1].at - b[1].at);
  const excess = map.size - keep;
  for (const [key] of oldestFirst.slice(0, excess)) map.delete(key);
  return Math.min(excess, oldestFirst.length);
}

function restore<T>(map: Map<string, T>, key: string, previous: T | undefined): void {
  if (previous === undefined) map.delete(key);
  else map.set(key, previous);
}

/** Writes `snapshot` through lowdb (a temporary file, then a rename) and returns its size in bytes. */
/**
 * Writes `contents` as the snapshot of its current seq, in slices between which turns go on (see
 * {@link SnapshotFile}). Resolves with the file's size.
 */
async function writeSnapshot(db: Low<unknown>, file: string, contents: Contents, fsync: boolean): Promise<number> {
  const source: SnapshotSource = { seq: contents.seq, conversations: contents.conversations };
  db.data = source;
  try {
    await db.write();
  } finally {
    db.data = null;
  }
  // The rename must be on disk before the journal it replaces is deleted (the file itself was synced before it).
  if (fsync) await syncPath(path.dirname(file));
  return (await stat(file)).size;
}

async function syncPath(at: string): Promise<void> {
  const handle = await openFile(at, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readText(at: string): Promise<string | null> {
  try {
    return await readFile(at, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
