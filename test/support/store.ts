/** Shared by the conversation store tests: a clock to move by hand, a logger to read, and crash images. */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../src/log.js';

/** A clock the test moves: `now` is the store's `now` option. */
export function fakeClock(start = '2024-03-01T00:00:00.000Z'): {
  now: () => Date;
  advance: (ms: number) => void;
  ms: () => number;
} {
  let at = Date.parse(start);
  return { now: () => new Date(at), advance: (ms) => (at += ms), ms: () => at };
}

/** A logger that keeps what it is told, for assertions, and prints nothing. */
export function recordingLogger(): Logger & {
  lines: { level: string; message: string; fields: Record<string, unknown> }[];
} {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}) =>
      void lines.push({ level, message, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * Copies the store files of `file` into `dir` as they are now: what a restart would find had the process been
 * killed at this moment. Journals are copied before the snapshot, the order in which a store's own steps can
 * never make a change fall between the copies (a journal is deleted only after a snapshot holding it is in place).
 */
export function crashImage(file: string, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const copy = path.join(dir, path.basename(file));
  for (const suffix of ['.journal', '.journal.old', '']) {
    try {
      fs.copyFileSync(file + suffix, copy + suffix);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return copy;
}

/**
 * The store's data files beside `file` that exist (snapshot, journals, temporary files), by name; not the lock
 * an open store holds, which `test/store/conversations/lock.test.ts` checks.
 */
export function storeFiles(file: string): string[] {
  const base = path.basename(file);
  return fs
    .readdirSync(path.dirname(file))
    .filter((name) => name.includes(base) && !name.endsWith('.lock'))
    .sort();
}
