import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
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
function requireContentType(
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

/**
 * Middleware reading the body as bytes, whatever its type (checked before, by {@link requireContentType}),
 * so signatures are verified over exactly what was sent. A body over `limit` bytes fails with body-parser's
 * error, which the app's error boundary answers with 413. Read it with {@link rawBodyOf}.
 */
function rawBody(limit: number): RequestHandler {
  return express.raw({ type: () => true, limit });
}

/** The bytes {@link rawBody} read; empty when the request had no body at all. */
function rawBodyOf(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

/**
 * Handler for every method a route does not serve: 405 `method_not_allowed` with `Allow: <allow>` and
 * `message` saying how the route is called. Mount it with `router.all` after the route's own methods.
 */
function methodNotAllowed(allow: string, message: string): RequestHandler {
  return (_req, res) => {
    res.set('Allow', allow);
    sendError(res, 405, 'method_not_allowed', message);
  };
}

/** How a route that takes a body reads it, and what it says to requests it refuses before its handler. */
export interface BodyRoute {
  /** Checks that need no body (a secret header, a signature's presence): run first, so a refusal reads nothing. */
  before?: RequestHandler[];
  /** Content types taken (default JSON, any charset); others get a 415 saying `typeMessage`. */
  types?: readonly string[];
  typeMessage: string;
  /** Whether a request without a Content-Type passes (WeChat's do). */
  allowMissingType?: boolean;
  /** Largest body in bytes; over it, 413. */
  limit: number;
  /** The methods the path answers (default POST), and what a 405 for any other says. */
  allow?: string;
  methodMessage: string;
}

/**
 * Mounts `POST path` on `router` as a visible pipeline: `route.before`, the content type, the raw body (at
 * most `route.limit` bytes, so signatures are checked over exactly what was sent), then `handle` with those
 * bytes; and after it a 405 for every other method. Routes of other methods on `path` go before this call.
 */
export function postRoute(
  router: Router,
  path: string,
  route: BodyRoute,
  handle: (req: Request, res: Response, body: Buffer) => unknown,
): void {
  router.post(
    path,
    ...(route.before ?? []),
    requireContentType(route.types ?? ['application/json'], route.typeMessage, {
      allowMissing: route.allowMissingType,
    }),
    rawBody(route.limit),
    (req: Request, res: Response) => handle(req, res, rawBodyOf(req)),
  );
  router.all(path, methodNotAllowed(route.allow ?? 'POST', route.methodMessage));
}
