/**
 * Shared state could not be read or written right now (Redis unreachable or too slow, or a conversation held
 * by another instance past the wait): nothing was stored, and the same request may be sent again shortly. The
 * app answers it with a 503 and Retry-After, so platforms retry.
 */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
