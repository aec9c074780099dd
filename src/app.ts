import express, { type ErrorRequestHandler, type Express } from 'express';
import { jsonWebhook } from './channels/json-webhook.js';
import { HttpError, sendError } from './channels/http-errors.js';
import type { Engine } from './core/respond.js';
import { describeError, type Logger } from './log.js';
import type { ConversationStore } from './store/conversations.js';

/** What the HTTP app is built from; tests pass their own. */
export interface AppDeps {
  engine: Engine;
  conversations: ConversationStore;
  logger: Logger;
  webhookSecret: string | null;
}

/** Builds the Express app (routes, health check, JSON error boundary) without listening. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(jsonWebhook({ engine: deps.engine, conversations: deps.conversations, secret: deps.webhookSecret }));

  app.use((req, res) => {
    sendError(res, 404, 'not_found', `No route for ${req.method} ${req.path}.`);
  });
  app.use(errorBoundary(deps.logger));
  return app;
}

/** body-parser errors carry `status` and `type`; map them to the JSON error shape. */
interface ParserError {
  status?: number;
  type?: string;
}

function errorBoundary(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (res.headersSent) {
      logger.error('error after the response started', { path: req.path, ...describeError(error) });
      res.end();
      return;
    }
    if (error instanceof HttpError) {
      sendError(res, error.status, error.code, error.message);
      return;
    }
    const parser = error as ParserError;
    if (parser.type === 'entity.too.large') {
      sendError(res, 413, 'payload_too_large', 'The request body is too large.');
      return;
    }
    if (typeof parser.status === 'number' && parser.status >= 400 && parser.status < 500) {
      sendError(res, parser.status, parser.type?.replace(/\./g, '_') ?? 'bad_request', 'The request could not be read.');
      return;
    }
    logger.error('unhandled error', { path: req.path, ...describeError(error) });
    sendError(res, 500, 'internal_error', 'Something went wrong on our side; please try again.');
  };
}
