import { createHash } from 'node:crypto';

// What the Redis modules share without loading node-redis, which takes about 0.2 s and 20 MB to import: the
// server loads client.ts only when REDIS_URL is set.

/** A Lua script, sent once and then run by its SHA1 (EVALSHA), as Redis keeps scripts it has seen. */
export interface Script {
  source: string;
  sha: string;
}

export function script(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/** The URL without its password, for messages and logs. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return 'redis://(unparsable)';
  }
}

/** While Redis is unreachable, what is said about it in the log is said at most this often. */
const COMPLAIN_EVERY_MS = 10_000;

/**
 * A gate that opens at most once every `ms`: an outage fails every request, and its log line is written once a
 * period, not once a request.
 */
export function throttle(ms = COMPLAIN_EVERY_MS): () => boolean {
  let last = Number.NEGATIVE_INFINITY;
  return () => {
    const now = Date.now();
    if (now - last < ms) return false;
    last = now;
    return true;
  };
}
