import express, { type Request, type RequestHandler } from 'express';
import { HttpError, sendError } from './errors.js';

/** Whether `value` is a JSON object: not null, not an array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One decoder for every body: a whole-buffer decode keeps no state between calls, even after an error. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes `raw` as UTF-8 (invalid bytes are an error, not U+FFFD) and parses it as JSON. Throws a 400
 * {@link HttpError} `invalid_json` for anything else, an empty body included; the value's shape is the
 * caller's to check.
 */
export function parseJsonBody(raw: Buffer): unknown {
  try {
    return JSON.parse(UTF8.decode(raw));
  } catch {
    throw new HttpError(400, 'invalid_json', 'The request body is not valid UTF-8 JSON.');
  }
}

/**
 * Middleware refusing with a 415 {@link HttpError} (`message` says what to send) a request whose
 * Content-Type is not one of `types`, before the body is read. With `allowMissing`, a request without a
 * Content-Type header passes.
 */
export function requireContentType(
  types: readonly string[],
  message: string,
  options: { allowMissing?: boolean } = {},
): RequestHandler {
  return (req, _res, next) => {
    const missing = req.get('content-type') === undefined;
    if (!(missing && options.allowMissing) && !req.is([...types])) {
      throw new HttpError(415, 'unsupported_media_type', message);
    }
    next();
  };
}

/** {@link requireContentType} for `application/json` (any charset parameter). */
export function requireJson(message: string): RequestHandler {
  return requireContentType(['application/json'], message);
}

/**
 * Middleware reading the body as bytes, whatever its type (checked before, by {@link requireContentType}),
 * so signatures are verified over exactly what was sent. A body over `limit` bytes fails with body-parser's
 * error, which the app's error boundary answers with 413. Read it with {@link rawBodyOf}.
 */
export function rawBody(limit: number): RequestHandler {
  return express.raw({ type: () => true, limit });
}

/** The bytes {@link rawBody} read; empty when the request had no body at all. */
export function rawBodyOf(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

/**
 * Handler for every method a route does not serve: 405 `method_not_allowed` with `Allow: <allow>` and
 * `message` saying how the route is called. Mount it with `router.all` after the route's own methods.
 */
export function methodNotAllowed(allow: string, message: string): RequestHandler {
  return (_req, res) => {
    res.set('Allow', allow);
    sendError(res, 405, 'method_not_allowed', message);
  };
}
