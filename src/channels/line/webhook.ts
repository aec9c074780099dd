import { isRecord, parseJsonBody } from '../../http/body.js';
import { HttpError } from '../../http/errors.js';

/** One event worth answering, reduced to what the bot uses. */
export type LineTask = {
  /** `webhookEventId`, the key redeliveries are recognised by (absent in old payloads: then no dedupe). */
  eventId: string | null;
  replyToken: string;
  /** `line:user:<id>`, `line:group:<id>` or `line:room:<id>`; undefined when the source has no id. */
  conversationId: string | undefined;
} & ({ kind: 'text'; text: string } | { kind: 'welcome' });

/**
 * Parses a webhook body into the events to answer: text messages, and `follow`/`join` for the welcome,
 * each with a reply token and in active mode. Every other event is dropped. Throws a 400
 * {@link HttpError} for a body that is not `{ "events": [ {...}, ... ] }`.
 */
export function parseLineWebhook(raw: Buffer): LineTask[] {
  const body = parseJsonBody(raw);
  if (!isRecord(body) || !Array.isArray(body.events) || !body.events.every(isRecord)) {
    throw new HttpError(
      400,
      'invalid_webhook',
      'A LINE webhook body must be a JSON object with an "events" array of objects.',
    );
  }
  const tasks: LineTask[] = [];
  for (const event of body.events) {
    const task = toTask(event);
    if (task) tasks.push(task);
  }
  return tasks;
}

function toTask(event: Record<string, unknown>): LineTask | null {
  // In standby mode another channel owns the chat and this one must not send messages.
  if (event.mode === 'standby') return null;
  const replyToken = event.replyToken;
  if (typeof replyToken !== 'string' || replyToken.length === 0) return null;
  const base = {
    eventId: typeof event.webhookEventId === 'string' && event.webhookEventId.length > 0 ? event.webhookEventId : null,
    replyToken,
    conversationId: conversationOf(event.source),
  };
  if (event.type === 'follow' || event.type === 'join') return { ...base, kind: 'welcome' };
  if (event.type !== 'message' || !isRecord(event.message)) return null;
  const { type, text } = event.message;
  if (type !== 'text' || typeof text !== 'string' || text.trim().length === 0) return null;
  return { ...base, kind: 'text', text: text.trim() };
}

function conversationOf(source: unknown): string | undefined {
  if (!isRecord(source)) return undefined;
  let id: unknown;
  switch (source.type) {
    case 'user':
      id = source.userId;
      break;
    case 'group':
      id = source.groupId;
      break;
    case 'room':
      id = source.roomId;
      break;
    default:
      return undefined;
  }
  return typeof id === 'string' && id.length > 0 ? `line:${source.type}:${id}` : undefined;
}
