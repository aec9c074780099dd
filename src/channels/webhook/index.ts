import { createHmac } from 'node:crypto';
import express, { type Router } from 'express';
import { type BodyRoute, postRoute } from '../../http/body.js';
import { constantTimeEqual } from '../../http/constant-time.js';
import { HttpError } from '../../http/errors.js';
import { type ChannelDeps, defineChannel } from '../channel.js';
import { parseWebhookRequest, WEBHOOK_BODY_LIMIT } from './request.js';
import { readWebhookSettings, type WebhookSettings } from './settings.js';

/** The JSON webhook: any system that can send JSON, the terminal chat and the web page talk to it. */
export const webhookChannel = defineChannel('webhook', {
  readSettings: readWebhookSettings,
  routes: webhookRoutes,
  describe: (settings) => ({ signed: settings.secret !== null }),
});

const ROUTE: BodyRoute = {
  limit: WEBHOOK_BODY_LIMIT,
  typeMessage: 'Send the request as Content-Type: application/json.',
  methodMessage: 'Send questions with POST and a JSON body like {"text": "..."}.',
};

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
  postRoute(router, '/api/webhook', ROUTE, async (req, res, body) => {
    if (settings.secret !== null) verifySignature(body, req.get('x-signature-256'), settings.secret);
    const input = parseWebhookRequest(body);
    // The caller's conversation ids live under "webhook:", so none can name another channel's conversation
    // ("telegram:<chat id>") and read or steer it.
    const conversation = input.conversationId === undefined ? undefined : `${NAMESPACE}${input.conversationId}`;
    const reply = await deps.turns.answer(conversation, input.text, 'throw');
    res.json(reply);
  });
  return router;
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
