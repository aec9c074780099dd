/**
 * The conversation store on disk, and how its contents are rebuilt from it.
 *
 * - The snapshot, STATE_FILE: one JSON object ({@link Snapshot}) written whole by lowdb (a temporary file, then
 *   a rename), so it is valid JSON at every moment. It is rewritten only when the store compacts.
 * - The journal, `${STATE_FILE}.journal`: one JSON {@link JournalRecord} a line, each change since the snapshot,
 *   numbered by `seq`. While a compaction writes the snapshot, the journal before it is `${STATE_FILE}.journal.old`.
 *
 * The contents are the snapshot with every journal record numbered after the snapshot's `seq` applied on top,
 * in `seq` order. Records carry whole values (a conversation's state), never differences, so applying one
 * twice, or one the snapshot already holds, changes nothing.
 *
 * Files of earlier versions also held botbuilder Storage items (the Bot Framework channel's state, under
 * `items` and `itemsUpdatedAt`, and `items` journal records). They are read past and counted as
 * {@link RecoveryReport.legacyItems}: those conversations start afresh once.
 */
import { readFileSync } from 'node:fs';
import { type ConversationState, isConversationState } from '../../core/types.js';

/** One conversation as stored: its state and when a turn last wrote it (ISO 8601). */
export interface StoredConversation {
  state: ConversationState;
  updatedAt: string;
}

/**
 * The snapshot file. Files written before the journal existed have only `conversations`: they read as `seq` 0,
 * and their entries as written when the store opened.
 */
export interface Snapshot {
  /** The last journal record the snapshot includes. */
  seq: number;
  /** The state of every conversation, whatever channel it is on, by conversation id. */
  conversations: Record<string, StoredConversation>;
}

/** One line of the journal: a conversation's new state. */
export interface JournalRecord {
  seq: number;
  op: 'conversation';
  id: string;
  value: StoredConversation;
}

/** An entry held in memory: its value and when it was last written, in ms since the epoch. */
export interface Entry<T> {
  value: T;
  at: number;
}

/**
 * What the store holds: every entry, and the last journal record applied. A conversation is held as its JSON text
 * (a {@link StoredConversation}), the form it is written in: about 200 bytes, where the parsed object takes several
 * times that, and a turn parses one conversation, not the store.
 */
export interface Contents {
  seq: number;
  conversations: Map<string, Entry<string>>;
}

/** What rebuilding the contents found, for the log. */
export interface RecoveryReport {
  /** Snapshot entries that are not valid conversation state (dropped). */
  invalidInSnapshot: number;
  /** Bot Framework Storage items and their journal records from an earlier version's file (dropped). */
  legacyItems: number;
  /** Journal records applied. */
  replayed: number;
  /** Journal records the snapshot already held (not applied again). */
  alreadyInSnapshot: number;
  /** Journal files whose last line was cut short (a write cut off by power loss); that line is ignored. */
  tornLines: number;
  /** Whole journal lines that are not valid records (dropped). */
  invalidLines: number;
}

/** The journal's paths beside the snapshot `file`: the one being appended to, and the one before a compaction. */
export function journalPaths(file: string): { current: string; old: string } {
  return { current: `${file}.journal`, old: `${file}.journal.old` };
}

/**
 * Contents as held by a parsed snapshot (`null` when there is none). Entries that are not valid state are
 * dropped and counted, as are an earlier version's Storage items; an entry without a readable time counts as
 * written at `openedAt`.
 */
export function fromSnapshot(data: unknown, openedAt: number, report: RecoveryReport): Contents {
  const snapshot = isPlainObject(data) ? data : {};
  const contents: Contents = {
    seq: isSeq(snapshot.seq) ? snapshot.seq : 0,
    conversations: new Map(),
  };
  for (const [id, value] of entriesOf(snapshot.conversations)) {
    if (isStoredConversation(value))
      contents.conversations.set(id, { value: JSON.stringify(value), at: timeOf(value.updatedAt, openedAt) });
    else report.invalidInSnapshot += 1;
  }
  report.legacyItems += entriesOf(snapshot.items).length;
  return contents;
}

/**
 * Applies to `contents` every record of `journals` (file texts, oldest file first) numbered after
 * `contents.seq`, in `seq` order, and advances `contents.seq` to the last one. An unterminated last line is
 * ignored: its write never completed, so no caller was told it was stored.
 */
export function replay(
  contents: Contents,
  journals: readonly string[],
  openedAt: number,
  report: RecoveryReport,
): void {
  const records: ParsedRecord[] = [];
  for (const text of journals) {
    const lines = text.split('\n');
    // The text after the last newline: empty when the file ends with a whole line.
    if (lines.pop() !== '') report.tornLines += 1;
    for (const line of lines) {
      if (line === '') continue;
      const record = parseRecord(line);
      if (record) records.push(record);
      else report.invalidLines += 1;
    }
  }
  // Sorting makes the result independent of which file holds a record and of the order the files were read in.
  records.sort((a, b) => a.seq - b.seq);
  for (const record of records) {
    if (record.seq <= contents.seq) {
      report.alreadyInSnapshot += 1;
      continue;
    }
    contents.seq = record.seq;
    if (record.op === 'items') {
      report.legacyItems += 1;
      continue;
    }
    applyRecord(contents, record, openedAt);
    report.replayed += 1;
  }
}

/** Applies one record to `contents`; `fallbackTime` stands for a time the record does not carry readably. */
function applyRecord(contents: Contents, record: JournalRecord, fallbackTime: number): void {
  contents.conversations.set(record.id, {
    value: JSON.stringify(record.value),
    at: timeOf(record.value.updatedAt, fallbackTime),
  });
}

/** The snapshot of `contents`. */
export function toSnapshot(contents: Contents): Snapshot {
  // Object.fromEntries defines own properties, so an id such as "__proto__" is stored like any other.
  return {
    seq: contents.seq,
    conversations: Object.fromEntries(
      Array.from(contents.conversations, ([id, entry]) => [id, JSON.parse(entry.value) as StoredConversation]),
    ),
  };
}

/**
 * What a store opened on `file` now would hold, before it drops expired entries: the snapshot with the journals
 * replayed on top, in the snapshot's shape. Reads synchronously; for tests and tools, not for the request path.
 * Safe while a store is writing: the journals are read before the snapshot, and a journal is deleted only after
 * a snapshot holding its records is in place, so every change acknowledged before the call is in the result.
 */
export function readStateOnDisk(file: string): Snapshot {
  const paths = journalPaths(file);
  const journals = [readTextSync(paths.current), readTextSync(paths.old)];
  const snapshotText = readTextSync(file);
  const report = newReport();
  const now = Date.now();
  const contents = fromSnapshot(snapshotText === null ? null : JSON.parse(snapshotText), now, report);
  // Oldest first, though replay sorts by seq anyway.
  replay(
    contents,
    [journals[1], journals[0]].filter((text): text is string => text !== null),
    now,
    report,
  );
  return toSnapshot(contents);
}

/** A report with nothing found yet. */
export function newReport(): RecoveryReport {
  return { invalidInSnapshot: 0, legacyItems: 0, replayed: 0, alreadyInSnapshot: 0, tornLines: 0, invalidLines: 0 };
}

function readTextSync(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** A journal line as read: a record, or the number of an earlier version's Storage record (to skip). */
type ParsedRecord = JournalRecord | { seq: number; op: 'items' };

function parseRecord(line: string): ParsedRecord | null {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isPlainObject(record) || !isSeq(record.seq) || record.seq === 0) return null;
  if (record.op === 'conversation') {
    return typeof record.id === 'string' && isStoredConversation(record.value)
      ? (record as unknown as JournalRecord)
      : null;
  }
  if (record.op === 'items') return { seq: record.seq, op: 'items' };
  return null;
}

function timeOf(iso: unknown, fallback: number): number {
  const at = typeof iso === 'string' ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(at) ? fallback : at;
}

function isSeq(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** Whether `value` is a JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entriesOf(value: unknown): [string, unknown][] {
  return isPlainObject(value) ? Object.entries(value) : [];
}

function isStoredConversation(value: unknown): value is StoredConversation {
  const v = value as StoredConversation;
  return typeof v === 'object' && v !== null && typeof v.updatedAt === 'string' && isConversationState(v.state);
}
