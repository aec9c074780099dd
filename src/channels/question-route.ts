import type { Request, Router } from 'express';
import { MAX_QUESTION_LENGTH } from '../conversation/turns.js';
import { type BodyRoute, isRecord, parseJsonBody, postRoute } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import type { ChannelDeps } from './channel.js';

// The JSON question request of the webhook and of the web page's own route: `{ text, conversationId?, userId? }`
// in, the reply object out.

/** Largest accepted request body. */
export const WEBHOOK_BODY_LIMIT = 16 * 1024;
const MAX_ID_LENGTH = 128;

/** A validated JSON webhook request. */
export interface WebhookRequest {
  text: string;
  conversationId?: string;
  userId?: string;
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

const ROUTE: BodyRoute = {
  limit: WEBHOOK_BODY_LIMIT,
  typeMessage: 'Send the request as Content-Type: application/json.',
  methodMessage: 'Send questions with POST and a JSON body like {"text": "..."}.',
};

/**
 * A route that takes `{ text, conversationId?, userId? }` and answers with the reply object, its conversations
 * stored under `namespace` (so none can name another channel's: "telegram:<chat id>" is `webhook:telegram:…`),
 * after `verify` checks the raw body when given. The webhook and the web page's own route are this.
 */
export function answerRoute(
  router: Router,
  path: string,
  deps: ChannelDeps,
  namespace: string,
  verify?: (body: Buffer, req: Request) => void,
): void {
  postRoute(router, path, ROUTE, async (req, res, body) => {
    verify?.(body, req);
    const input = parseWebhookRequest(body);
    const conversation = input.conversationId === undefined ? undefined : `${namespace}${input.conversationId}`;
    const reply = await deps.turns.answer(conversation, input.text, 'throw');
    res.json(reply);
  });
}
