import { open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';

/** Who holds a state file: written to `${STATE_FILE}.lock` by the process that opened the store. */
interface Holder {
  pid: number;
  host: string;
  since: string;
}

/** A state file another process holds: the store refuses it rather than fold and delete that one's journal. */
export class StateFileInUseError extends Error {
  constructor(
    readonly file: string,
    readonly holder: Holder,
  ) {
    super(
      `STATE_FILE ${file} is in use by process ${holder.pid} on ${holder.host} (since ${holder.since}): two servers must not share one conversation store. Stop that process, or set STATE_FILE to another file. If no such process runs, delete ${lockPath(file)}.`,
    );
    this.name = 'StateFileInUseError';
  }
}

/** An unreadable lock younger than this may be one being written: it is not taken over. */
const FRESH_MS = 5_000;

/** The lock file beside a state file. */
export function lockPath(file: string): string {
  return `${file}.lock`;
}

/**
 * Takes the state file for this process: creates `${file}.lock` (exclusively) holding its pid, host and start.
 * A lock left by a process of this host that no longer runs is stale and taken over; one held by a live process,
 * or by another host (whose processes cannot be checked from here), refuses with {@link StateFileInUseError}.
 * Resolves with the release, which removes the lock if it is still this process's.
 */
export async function lockStateFile(file: string): Promise<() => Promise<void>> {
  const path = lockPath(file);
  const mine: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(`${JSON.stringify(mine)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return async () => {
        const holder = await readHolder(path);
        if (holder?.pid === mine.pid && holder.host === mine.host) await rm(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new Error(`STATE_FILE ${file}: its lock ${path} cannot be created: ${(error as Error).message}`, {
          cause: error,
        });
      }
      const holder = await readHolder(path);
      if (holder === null) {
        // Unreadable: being written this very moment by another process starting, or cut short long ago.
        if (Date.now() - (await stat(path).catch(() => ({ mtimeMs: 0 }))).mtimeMs < FRESH_MS)
          throw new Error(`STATE_FILE ${file}: another process is taking its lock ${path} right now`);
      } else if (holder.host !== mine.host || isRunning(holder.pid)) {
        throw new StateFileInUseError(file, holder);
      }
      // The lock of a process of this host that has ended: stale, taken over.
      await rm(path, { force: true });
    }
  }
  throw new Error(`STATE_FILE ${file}: another process took its lock ${path} at the same moment; start again`);
}

async function readHolder(path: string): Promise<Holder | null> {
  try {
    const data = JSON.parse(await readFile(path, 'utf8')) as Partial<Holder>;
    if (!Number.isInteger(data.pid) || typeof data.host !== 'string') return null;
    return { pid: data.pid!, host: data.host, since: typeof data.since === 'string' ? data.since : 'unknown' };
  } catch {
    return null;
  }
}

/** Whether a process with this pid runs on this host (signal 0 checks without sending anything). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
