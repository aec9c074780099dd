import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Engine } from '../core/respond.js';
import type { ConversationStore } from '../store/conversations.js';
import { answerInConversation } from './channel.js';
import { HttpError, sendError } from './http-errors.js';

/** Largest accepted request body. */
export const WEBHOOK_BODY_LIMIT = 16 * 1024;
/** Longest accepted question, in characters after trimming. */
export const MAX_TEXT_LENGTH = 2000;
const MAX_ID_LENGTH = 128;

/** A validated JSON webhook request. */
export interface WebhookRequest {
  text: string;
  conversationId?: string;
  userId?: string;
}

export interface WebhookDeps {
  engine: Engine;
  conversations: ConversationStore;
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
    (req, _res, next) => {
      if (!req.is('application/json')) {
        throw new HttpError(415, 'unsupported_media_type', 'Send the request as Content-Type: application/json.');
      }
      next();
    },
    express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }),
    async (req: Request, res: Response) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (deps.secret !== null) verifySignature(raw, req.get('x-signature-256'), deps.secret);
      const input = parseWebhookRequest(raw);
      const reply = await answerInConversation(deps, input.conversationId, input.text);
      res.json(reply);
    },
  );
  router.all('/api/webhook', (_req, res) => {
    res.set('Allow', 'POST');
    sendError(res, 405, 'method_not_allowed', 'Send questions with POST and a JSON body like {"text": "..."}.');
  });
  return router;
}

/** The hex HMAC-SHA256 signature header value for `body`, as a caller must send it. */
export function signWebhookBody(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function verifySignature(body: Buffer, header: string | undefined, secret: string): void {
  const expected = Buffer.from(signWebhookBody(body, secret));
  const given = Buffer.from(header ?? '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new HttpError(
      401,
      'invalid_signature',
      'X-Signature-256 must be "sha256=" followed by the hex HMAC-SHA256 of the raw body, keyed with the webhook secret.',
    );
  }
}

/** Parses and validates a webhook body; throws a 400 {@link HttpError} saying which field is wrong. */
export function parseWebhookRequest(raw: Buffer): WebhookRequest {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch {
    throw new HttpError(400, 'invalid_json', 'The request body is not valid UTF-8 JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'invalid_request', 'The request body must be a JSON object like {"text": "..."}.');
  }
  const fields = body as Record<string, unknown>;
  if (typeof fields.text !== 'string') {
    throw new HttpError(400, 'invalid_text', '"text" is required and must be a string.');
  }
  const text = fields.text.trim();
  if (text.length === 0) throw new HttpError(400, 'invalid_text', '"text" must not be empty.');
  if (text.length > MAX_TEXT_LENGTH) {
    throw new HttpError(400, 'invalid_text', `"text" must be at most ${MAX_TEXT_LENGTH} characters.`);
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
