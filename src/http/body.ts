import type { Transform } from 'node:stream';
import zlib from 'node:zlib';
import type { Request, RequestHandler, Response, Router } from 'express';
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

/** The Content-Encodings a body may be sent with, undone before it is read (as body-parser undoes them). */
const DECOMPRESSORS: Readonly<Record<string, () => Transform>> = {
  gzip: () => zlib.createGunzip(),
  'x-gzip': () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress(),
};

const tooLarge = () => new HttpError(413, 'payload_too_large', 'The request body is too large.');

/**
 * Middleware reading the body as bytes, whatever its type (checked before, by {@link requireContentType}), so
 * signatures are verified over exactly what was sent; read it with {@link rawBodyOf}. A body over `limit` bytes
 * (declared or sent, after any Content-Encoding is undone) is a 413 {@link HttpError}, an encoding other than
 * gzip, deflate or br a 415, a body that does not decompress a 400; after a refusal the rest of the request is read
 * off before the answer, so the connection stays usable. It does what body-parser's `raw()` did for these routes,
 * for about 5% less of the server's CPU per webhook request (docs/performance.md).
 */
function rawBody(limit: number): RequestHandler {
  return (req, _res, next) => {
    const length = req.headers['content-length'];
    // No Content-Length and no Transfer-Encoding: there is no body (a request may not send one).
    if (req.headers['transfer-encoding'] === undefined && (length === undefined || Number.isNaN(Number(length)))) {
      next();
      return;
    }
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    const decompressor = encoding === 'identity' ? undefined : DECOMPRESSORS[encoding]?.();
    const refuse = (error: HttpError) => {
      if (decompressor) {
        req.unpipe(decompressor);
        decompressor.on('error', () => {});
        decompressor.destroy();
      }
      readOff(req, () => next(error));
    };
    if (encoding !== 'identity' && !decompressor) {
      refuse(
        new HttpError(
          415,
          'encoding_unsupported',
          `A body sent with Content-Encoding "${encoding}" cannot be read; send it as it is, or with gzip, deflate or br.`,
        ),
      );
      return;
    }
    if (!decompressor && Number(length) > limit) {
      refuse(tooLarge());
      return;
    }
    const stream: NodeJS.ReadableStream = decompressor ? req.pipe(decompressor) : req;
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error?: HttpError) => {
      if (settled) return;
      settled = true;
      stream.removeListener('data', onData);
      if (error) {
        refuse(error);
        return;
      }
      if (decompressor) req.resume();
      req.body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      next();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) settle(tooLarge());
      else chunks.push(chunk);
    };
    stream.on('data', onData);
    stream.once('end', () => settle());
    if (decompressor) {
      decompressor.once('error', () =>
        settle(new HttpError(400, 'invalid_body', `The request body is not valid ${encoding} data.`)),
      );
    }
    // A client that goes away mid-body: nobody is left to answer, and nothing is handled.
    req.once('error', () => {
      settled = true;
    });
  };
}

/** Reads the rest of a request and throws it away, then calls `done` (at once when it has all been read). */
function readOff(req: Request, done: () => void): void {
  if (req.readableEnded || req.destroyed) {
    done();
    return;
  }
  req.once('end', done);
  req.once('error', () => {});
  req.resume();
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
