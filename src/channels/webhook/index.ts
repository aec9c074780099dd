import { createHmac } from 'node:crypto';
import express, { type Request, type Router } from 'express';
import { constantTimeEqual } from '../../http/constant-time.js';
import { HttpError } from '../../http/errors.js';
import { type ChannelDeps, defineChannel } from '../channel.js';
import { answerRoute } from '../question-route.js';
import { readWebhookSettings, type WebhookSettings } from './settings.js';

/** The JSON webhook: any system that can send JSON, the terminal chat and the web page talk to it. */
export const webhookChannel = defineChannel('webhook', {
  readSettings: readWebhookSettings,
  routes: webhookRoutes,
  describe: (settings) => ({ signed: settings.secret !== null }),
});

/** Where the webhook's conversations are stored: `webhook:<conversationId>`. */
export const NAMESPACE = 'webhook:';

/**
 * `POST /api/webhook`: `{ text, conversationId?, userId? }` in, the reply object out. With a
 * `conversationId`, the question is answered in that conversation's context (stored as `webhook:<id>`, apart from
 * every other channel's) and the new context is stored
 * before the reply is sent; over the per-conversation rate limit it answers 429. Errors are thrown as
 * {@link HttpError} for the app's error boundary.
 */
export function webhookRoutes(deps: ChannelDeps, settings: WebhookSettings): Router {
  const router = express.Router();
  const verify = settings.secret === null ? undefined : verifier(settings.secret);
  answerRoute(router, '/api/webhook', deps, NAMESPACE, verify);
  return router;
}

function verifier(secret: string): (body: Buffer, req: Request) => void {
  return (body, req) => verifySignature(body, req.get('x-signature-256'), secret);
}

/** The hex HMAC-SHA256 signature header value for `body`, as a caller must send it. */
export function signWebhookBody(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function verifySignature(body: Buffer, header: string | undefined, secret: string): void {
  if (!constantTimeEqual(header, signWebhookBody(body, secret))) {
    throw new HttpError(
      401,
      'invalid_signature',
      'X-Signature-256 must be "sha256=" followed by the hex HMAC-SHA256 of the raw body, keyed with the webhook secret.',
    );
  }
}
