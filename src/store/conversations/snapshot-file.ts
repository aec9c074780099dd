import { open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Adapter } from 'lowdb';

/**
 * What a snapshot is written from: the seq it includes and the conversations as they are in memory. Written
 * entry by entry rather than as one object: with 100,000 conversations one JSON.stringify of the whole would stop
 * every request for a quarter of a second.
 */
export interface SnapshotSource {
  seq: number;
  /** Each conversation's JSON text; iterated while the snapshot is written, turns going on meanwhile. */
  conversations: ReadonlyMap<string, { value: string }>;
}

/** Conversations serialised between two turns' worth of pause: about 1 ms of work on this machine. */
const ENTRIES_PER_SLICE = 500;

/**
 * The lowdb adapter of STATE_FILE: reads it with JSON.parse, and writes a snapshot in slices, each followed by an
 * asynchronous write, so turns are answered while it is written. The file is written beside STATE_FILE and renamed
 * over it (as lowdb's own adapters do), so a crash leaves the old snapshot or the new one, never part of one.
 *
 * Turns that change the map while it is iterated are safe. The snapshot's `seq` is taken first, and each such turn
 * is also in the journal with a later seq, which replay applies on top of whatever value (older or newer) the
 * snapshot caught: a turn replaces an entry's value, never changes it. An entry added meanwhile is written too (a
 * Map visits keys added during its iteration), one removed is left out. The map is not copied first: copying
 * 100,000 entries alone can take 20-30 ms.
 */
export class SnapshotFile implements Adapter<unknown> {
  constructor(
    private readonly file: string,
    private readonly fsync: boolean,
  ) {}

  async read(): Promise<unknown> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    return JSON.parse(text) as unknown;
  }

  async write(data: unknown): Promise<void> {
    const source = data as SnapshotSource;
    const temporary = path.join(path.dirname(this.file), `.${path.basename(this.file)}.tmp`);
    const handle = await open(temporary, 'w');
    try {
      let parts: string[] = [];
      let chunk = `{"seq":${JSON.stringify(source.seq)},"conversations":{`;
      let first = true;
      for (const [id, entry] of source.conversations) {
        parts.push(`${first ? '' : ','}${JSON.stringify(id)}:${entry.value}`);
        first = false;
        if (parts.length >= ENTRIES_PER_SLICE) {
          await handle.write(chunk + parts.join(''));
          chunk = '';
          parts = [];
        }
      }
      await handle.write(`${chunk}${parts.join('')}}}`);
      if (this.fsync) await handle.sync();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(temporary, { force: true });
      throw error;
    }
    await handle.close();
    await rename(temporary, this.file);
  }
}
