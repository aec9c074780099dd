import { isRecord, parseJsonBody } from '../../http/body.js';
import { HttpError } from '../../http/errors.js';

/** A text message from an update, reduced to what the bot uses. */
export interface TelegramTextMessage {
  messageId: number;
  chatId: number;
  /** private, group, supergroup or channel. */
  chatType: string;
  /** Set for a message in a forum topic, so the answer goes to the same topic. */
  threadId?: number;
  text: string;
}

/** A validated update: its id, and the text message it carries (null for every other kind of update). */
export interface TelegramUpdate {
  updateId: number;
  message: TelegramTextMessage | null;
}

/**
 * Parses and validates an update. An update without a text message (an edited message, a sticker, a
 * callback query, a channel post...) has `message: null`. Throws a 400 {@link HttpError} for a body that
 * is not an update, or a text message without a usable chat.
 */
export function parseTelegramUpdate(raw: Buffer): TelegramUpdate {
  const body = parseJsonBody(raw);
  if (!isRecord(body)) throw new HttpError(400, 'invalid_update', 'A Telegram update must be a JSON object.');
  const updateId = body.update_id;
  if (!isId(updateId) || updateId < 0) {
    throw new HttpError(400, 'invalid_update', '"update_id" must be a non-negative integer.');
  }
  const message = body.message;
  if (!isRecord(message) || typeof message.text !== 'string') return { updateId, message: null };
  const chat = message.chat;
  if (!isRecord(chat) || !isId(chat.id) || typeof chat.type !== 'string' || !isId(message.message_id)) {
    throw new HttpError(
      400,
      'invalid_update',
      'A text message needs an integer "message_id" and a "chat" with an integer "id" and a "type".',
    );
  }
  const text = message.text.trim();
  if (text.length === 0) return { updateId, message: null };
  const parsed: TelegramTextMessage = { messageId: message.message_id, chatId: chat.id, chatType: chat.type, text };
  if (message.is_topic_message === true && isId(message.message_thread_id)) parsed.threadId = message.message_thread_id;
  return { updateId, message: parsed };
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}
