import type { ErrorRequestHandler } from 'express';
import { describeError, type Logger } from '../log.js';
import { JournalWriteError, StoreClosedError } from '../store/conversations/store.js';
import { StoreUnavailableError } from '../store/errors.js';
import { HttpError, sendError } from './errors.js';
import { RateLimitedError } from './rate-limit.js';

/** Errors of Express and its router (a path that does not decode) carry `status` and sometimes `type`. */
interface ParserError {
  status?: number;
  type?: string;
}

/** What a client is told to wait before asking again while the conversation store cannot write. */
export const STORE_RETRY_AFTER_S = 5;

/**
 * The app's one error sink, mounted last: an {@link HttpError} becomes its status and JSON error (a 429 with
 * Retry-After), Express's own refusals a JSON 4xx, a turn the conversation store could not write a 503 with
 * Retry-After, and anything else is logged and answered with a JSON 500 that says nothing about the cause. No stack
 * trace ever reaches a client.
 */
export function errorBoundary(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (res.headersSent) {
      logger.error('error after the response started', { path: req.path, ...describeError(error) });
      res.end();
      return;
    }
    if (error instanceof HttpError) {
      if (error instanceof RateLimitedError) res.set('Retry-After', String(error.retryAfterSeconds));
      sendError(res, error.status, error.code, error.message);
      return;
    }
    const parser = error as ParserError;
    if (typeof parser.status === 'number' && parser.status >= 400 && parser.status < 500) {
      sendError(
        res,
        parser.status,
        parser.type?.replace(/\./g, '_') ?? 'bad_request',
        'The request could not be read.',
      );
      return;
    }
    // A turn that could not be stored (a full disk, Redis unreachable) or came during shutdown: the client may try
    // again soon.
    if (
      error instanceof JournalWriteError ||
      error instanceof StoreClosedError ||
      error instanceof StoreUnavailableError
    ) {
      logger.error('turn not stored', { path: req.path, ...describeError(error) });
      res.set('Retry-After', String(STORE_RETRY_AFTER_S));
      sendError(res, 503, 'store_unavailable', 'The conversation could not be stored; please try again shortly.');
      return;
    }
    logger.error('unhandled error', { path: req.path, ...describeError(error) });
    sendError(res, 500, 'internal_error', 'Something went wrong on our side; please try again.');
  };
}
