import { type FileHandle, open, rename } from 'node:fs/promises';

/** A line could not be appended to the journal, so the change it records is not stored; the cause says why. */
export class JournalWriteError extends Error {
  constructor(
    readonly path: string,
    options: { cause: unknown },
  ) {
    super(`${path}: the change could not be written to the journal`, options);
    this.name = 'JournalWriteError';
  }
}

interface Waiting {
  line: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * An append-only file of lines, written with group commit. Lines appended in the same turn of the event loop,
 * or while a write is in flight, go out together in one write to a file opened for appending, and each
 * {@link append} resolves once the write holding its line has completed (with `fsync`, once it reached the
 * disk). Writes run one at a time in append order, so when an append resolves every earlier line is written.
 *
 * A completed write(2) to a regular file survives SIGKILL whole; a write that fails is cut back off the file,
 * so a later line never shares a line with the remains of a failed one. If even that fails, the journal is
 * broken and every later append rejects with the same {@link JournalWriteError}. The appends of a failed write
 * reject latest first.
 */
export class Journal {
  private queue: Waiting[] = [];
  private flushQueued = false;
  private chain: Promise<void> = Promise.resolve();
  private broken: JournalWriteError | null = null;
  private closing: Promise<void> | null = null;
  private writes = 0;

  private constructor(
    /** Where the journal is; after {@link rotate}, still this path (a new file). */
    readonly path: string,
    private handle: FileHandle,
    /** Bytes of whole lines in the current file: where a failed write is cut back to. */
    private size: number,
    private readonly fsync: boolean,
  ) {}

  /** Opens `path` for appending, creating it if needed. With `fsync`, every write is flushed to the disk. */
  static async open(path: string, options: { fsync?: boolean } = {}): Promise<Journal> {
    const handle = await open(path, 'a');
    const { size } = await handle.stat();
    return new Journal(path, handle, size, options.fsync ?? false);
  }

  /** Bytes in the current file and writes made since opening (one per group of lines). */
  get stats(): { bytes: number; writes: number } {
    return { bytes: this.size, writes: this.writes };
  }

  /**
   * Appends `line` (one line: no newline inside; this adds the one at the end). Resolves once it is written;
   * rejects with {@link JournalWriteError} if it could not be, and then nothing of it is in the file.
   */
  append(line: string): Promise<void> {
    if (this.closing) return Promise.reject(new Error(`${this.path}: the journal is closed`));
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.queue.push({ line: `${line}\n`, resolve, reject });
      if (!this.flushQueued) {
        this.flushQueued = true;
        void this.enqueue(() => this.flush());
      }
    });
  }

  /**
   * After the writes already queued, renames the file to `to` and carries on in a new, empty file at
   * {@link path}. Lines appended while the rotation waits may land in either file. If the new file cannot be
   * created, the old one is moved back and the rotation rejects.
   */
  rotate(to: string): Promise<void> {
    return this.enqueue(async () => {
      if (this.closing) throw new Error(`${this.path}: the journal is closed`);
      if (this.broken) throw this.broken;
      await rename(this.path, to);
      let fresh: FileHandle;
      try {
        fresh = await open(this.path, 'a');
      } catch (error) {
        // Appending on into `to` would put acknowledged lines in the file compaction is about to delete.
        await rename(to, this.path).catch((cause: unknown) => {
          this.broken = new JournalWriteError(this.path, { cause });
        });
        throw error;
      }
      const previous = this.handle;
      this.handle = fresh;
      this.size = 0;
      await previous.close().catch(() => undefined);
    });
  }

  /** Resolves once every append and rotation queued so far has settled. */
  drain(): Promise<void> {
    return this.chain;
  }

  /** Writes what is queued, then closes the file; later appends reject. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= this.enqueue(() => this.handle.close());
    return this.closing;
  }

  private enqueue(operation: () => Promise<void>): Promise<void> {
    const run = this.chain.then(operation);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async flush(): Promise<void> {
    // Lines appended in the rest of this turn of the event loop join this write.
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.flushQueued = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    if (this.broken) {
      for (const waiting of batch) waiting.reject(this.broken);
      return;
    }
    const bytes = Buffer.from(batch.map((waiting) => waiting.line).join(''), 'utf8');
    try {
      let written = 0;
      // One write(2) in practice; a short write (a full disk) is continued rather than left torn.
      while (written < bytes.length) {
        const { bytesWritten } = await this.handle.write(bytes, written, bytes.length - written);
        // Retrying a write that makes no progress would spin for ever.
        if (bytesWritten === 0) throw new Error('the file system accepted none of the bytes written');
        written += bytesWritten;
      }
      if (this.fsync) await this.handle.datasync();
    } catch (cause) {
      const error = new JournalWriteError(this.path, { cause });
      await this.handle.truncate(this.size).catch(() => {
        this.broken = error;
      });
      // Latest first, so callers taking their changes back out of memory undo the later ones first.
      for (const waiting of batch.reverse()) waiting.reject(error);
      return;
    }
    this.size += bytes.length;
    this.writes += 1;
    for (const waiting of batch) waiting.resolve();
  }
}
