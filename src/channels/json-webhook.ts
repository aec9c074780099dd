import { createHmac } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { MAX_QUESTION_LENGTH } from '../conversation/turns.js';
import { isRecord, methodNotAllowed, parseJsonBody, rawBody, rawBodyOf, requireJson } from '../http/body.js';
import { constantTimeEqual } from '../http/constant-time.js';
import { HttpError } from '../http/errors.js';
import type { ChannelDeps } from './channel.js';

/** Largest accepted request body. */
export const WEBHOOK_BODY_LIMIT = 16 * 1024;
const MAX_ID_LENGTH = 128;

/** A validated JSON webhook request. */
export interface WebhookRequest {
  text: string;
  conversationId?: string;
  userId?: string;
}

/** What the JSON webhook is built from; over the per-conversation rate limit it answers 429. */
export interface WebhookDeps extends ChannelDeps {
  /** When set, requests must be signed (X-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>). */
  secret: string | null;
}

/**
 * `POST /api/webhook`: `{ text, conversationId?, userId? }` in, the reply object out. With a
 * `conversationId`, the question is answered in that conversation's context and the new context is stored
 * before the reply is sent. Errors are thrown as {@link HttpError} for the app's error boundary.
 */
export function jsonWebhook(deps: WebhookDeps): Router {
  const router = express.Router();
  router.post(
    '/api/webhook',
    requireJson('Send the request as Content-Type: application/json.'),
    rawBody(WEBHOOK_BODY_LIMIT),
    async (req: Request, res: Response) => {
      const raw = rawBodyOf(req);
      if (deps.secret !== null) verifySignature(raw, req.get('x-signature-256'), deps.secret);
      const input = parseWebhookRequest(raw);
      const reply = await deps.turns.answer(input.conversationId, input.text, 'throw');
      res.json(reply);
    },
  );
  router.all(
    '/api/webhook',
    methodNotAllowed('POST', 'Send questions with POST and a JSON body like {"text": "..."}.'),
  );
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

/** Parses and validates a webhook body; throws a 400 {@link HttpError} saying which field is wrong. */
export function parseWebhookRequest(raw: Buffer): WebhookRequest {
  const fields = parseJsonBody(raw);
  if (!isRecord(fields)) {
    throw new HttpError(400, 'invalid_request', 'The request body must be a JSON object like {"text": "..."}.');
  }
  if (typeof fields.text !== 'string') {
    throw new HttpError(400, 'invalid_text', '"text" is required and must be a string.');
  }
  const text = fields.text.trim();
  if (text.length === 0) throw new HttpError(400, 'invalid_text', '"text" must not be empty.');
  if (text.length > MAX_QUESTION_LENGTH) {
    throw new HttpError(400, 'invalid_text', `"text" must be at most ${MAX_QUESTION_LENGTH} characters.`);
  }
  const request: WebhookRequest = { text };
  for (const field of ['conversationId', 'userId'] as const) {
    const value = fields[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH) {
      throw new HttpError(400, `invalid_${field}`, `"${field}" must be a string of 1 to ${MAX_ID_LENGTH} characters.`);
    }
    request[field] = value;
  }
  return request;
}
