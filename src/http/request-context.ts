import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { type Logger, withLogContext } from '../log.js';

/** A caller's X-Request-Id is kept only when it is short and plain, so it cannot inject into logs. */
const CALLER_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Told of every finished request and how long it took, in seconds (the metrics' request durations). */
export type FinishedRequest = (req: Request, res: Response, seconds: number) => void;

/**
 * Gives every request an id (the caller's X-Request-Id when it is safe, else a new UUID), echoes it in
 * the X-Request-Id response header, adds it to every log line written while handling the request, and
 * logs one line when the response is finished: method, path, status and duration (refused requests at
 * info, the rest at debug, so a busy bot's default log is its problems). Never headers or bodies, which
 * can hold tokens and signatures. `finished` hears of the same response in the same listener: one timer and one
 * "finish" listener per request, however many want its duration.
 */
export function requestContext(logger: Logger, finished?: FinishedRequest): RequestHandler {
  return (req, res, next) => {
    // Node's own header accessors: Express's req.get and res.set add alias and content-type checks not needed here.
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && CALLER_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const started = performance.now();
    withLogContext({ requestId }, () => {
      res.once('finish', () => {
        const ms = performance.now() - started;
        const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug';
        logger[level]('request', {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
        });
        finished?.(req, res, ms / 1000);
      });
      next();
    });
  };
}
