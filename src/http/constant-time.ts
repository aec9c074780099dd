import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether `given` (a secret or signature from a request header; undefined when absent) equals `expected`,
 * compared in constant time. Absent never matches, not even an empty `expected`.
 */
export function constantTimeEqual(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  // Digests have one length whatever was sent, so neither the comparison nor its timing depends on the length.
  return timingSafeEqual(digest(given), digest(expected));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
