import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import { normalizeQuestion } from '../core/text.js';

/** One question the bot could not answer (or answered unsure), as an editor reviews it. */
export interface UnansweredQuestion {
  /** The question normalised (lowercase, punctuation as spaces): how repeats are counted together. */
  text: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** Why it is here: the article did not answer it, or the answer was given with little confidence. */
  outcome: 'fallback' | 'unsure';
  /** The intents it came nearest to, best first: where an utterance might be added. */
  nearest: { intent: string; score: number }[];
}

/** Where fallbacks and unsure answers are counted: {@link UnansweredLog} (a file) or, with REDIS_URL, Redis. */
export interface UnansweredRecorder {
  /** Counts a question; never throws and never waits (a review must not slow or fail a turn). */
  record(question: string, outcome: UnansweredQuestion['outcome'], nearest: UnansweredQuestion['nearest']): void;
  /** The questions, most often asked first (then most recently). */
  list(): Promise<UnansweredQuestion[]>;
  close(): Promise<void>;
}

/** The order of a review: most often asked first, then most recently. */
export function byCount(a: UnansweredQuestion, b: UnansweredQuestion): number {
  return b.count - a.count || b.lastSeen.localeCompare(a.lastSeen);
}

/** How much is kept: the most recent `maxEntries` questions, none last seen longer ago than `maxAgeMs`. */
export interface UnansweredOptions {
  maxEntries?: number;
  maxAgeMs?: number;
  /** How often what changed is written to the file (0: only on `close()` and `flush()`). */
  flushIntervalMs?: number;
  now?: () => Date;
}

export const UNANSWERED_DEFAULTS = { maxEntries: 1000, maxAgeMs: 30 * 24 * 3_600_000, flushIntervalMs: 30_000 };

/**
 * The review of unanswered questions, as Custom Question Answering and Botpress keep one: fallbacks and
 * low-confidence answers, each normalised question once with its count, first and last seen and nearest
 * intents. No user or conversation id is kept. Bounded in size and age; written through lowdb (a temporary file
 * and a rename) every `flushIntervalMs` when something changed, and on `close()`.
 */
export class UnansweredLog implements UnansweredRecorder {
  private readonly entries = new Map<string, UnansweredQuestion>();
  private dirty = false;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly settings: Required<UnansweredOptions>;

  private constructor(
    private readonly db: Low<{ questions: UnansweredQuestion[] }>,
    options: UnansweredOptions,
  ) {
    this.settings = { ...UNANSWERED_DEFAULTS, now: () => new Date(), ...options };
    // In order of last sight, as they are kept (the file is written so, but may have been edited).
    const questions = (db.data.questions ?? []).filter(isQuestion);
    questions.sort((a, b) => a.lastSeen.localeCompare(b.lastSeen));
    for (const q of questions) this.entries.set(q.text, q);
    this.trim();
    if (this.settings.flushIntervalMs > 0) {
      this.timer = setInterval(() => void this.flush().catch(() => undefined), this.settings.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Opens (creating if needed) the review file. */
  static async open(file: string, options: UnansweredOptions = {}): Promise<UnansweredLog> {
    await mkdir(path.dirname(file), { recursive: true });
    const db = new Low<{ questions: UnansweredQuestion[] }>(
      new DataFile(file, { parse: JSON.parse, stringify: (data) => `${JSON.stringify(data, null, 1)}\n` }),
      { questions: [] },
    );
    try {
      await db.read();
    } catch (cause) {
      throw new Error(`UNANSWERED_FILE ${file}: cannot be read: ${(cause as Error).message}`, { cause });
    }
    if (!Array.isArray(db.data?.questions)) db.data = { questions: [] };
    return new UnansweredLog(db, options);
  }

  /** Counts a question the bot fell back on or answered unsure. */
  record(question: string, outcome: UnansweredQuestion['outcome'], nearest: UnansweredQuestion['nearest']): void {
    const text = normalizeQuestion(question);
    if (text === '') return;
    const now = this.settings.now().toISOString();
    const seen = this.entries.get(text);
    // Kept in order of last sight: the first entry is the one to forget when the log is full.
    this.entries.delete(text);
    this.entries.set(
      text,
      seen
        ? { ...seen, count: seen.count + 1, lastSeen: now, outcome, nearest }
        : { text, count: 1, firstSeen: now, lastSeen: now, outcome, nearest },
    );
    this.dirty = true;
    this.trim();
  }

  async list(): Promise<UnansweredQuestion[]> {
    return [...this.entries.values()].sort(byCount);
  }

  /** Writes what changed since the last write. */
  async flush(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    this.db.data = { questions: [...this.entries.values()] };
    try {
      await this.db.write();
    } catch (error) {
      this.dirty = true;
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  private trim(): void {
    const oldest = this.settings.now().getTime() - this.settings.maxAgeMs;
    // Kept in order of last sight, so the first entry seen recently enough ends the sweep (not all 1,000 each time).
    for (const [text, q] of this.entries) {
      if (Date.parse(q.lastSeen) >= oldest) break;
      this.entries.delete(text);
    }
    while (this.entries.size > this.settings.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

function isQuestion(value: unknown): value is UnansweredQuestion {
  const q = value as UnansweredQuestion;
  return (
    typeof q === 'object' &&
    q !== null &&
    typeof q.text === 'string' &&
    Number.isInteger(q.count) &&
    typeof q.firstSeen === 'string' &&
    typeof q.lastSeen === 'string' &&
    Array.isArray(q.nearest)
  );
}
