import type { Reply } from '../../core/types.js';
import { fitText } from '../format.js';
import type { TelegramTextMessage } from './update.js';

/** Telegram's limit on a message's text. */
export const TELEGRAM_TEXT_LIMIT = 4096;
const GROUP_CHATS: ReadonlySet<string> = new Set(['group', 'supergroup']);

interface KeyboardMarkup {
  keyboard: { text: string }[][];
  resize_keyboard: true;
  one_time_keyboard: true;
  selective?: true;
}

interface RemoveKeyboard {
  remove_keyboard: true;
  selective?: true;
}

/** The sendMessage call returned in the webhook response, which Telegram then executes. */
export interface TelegramSendMessage {
  method: 'sendMessage';
  chat_id: number;
  message_thread_id?: number;
  text: string;
  reply_parameters?: { message_id: number; allow_sending_without_reply: true };
  reply_markup: KeyboardMarkup | RemoveKeyboard;
}

/**
 * The sendMessage call answering `message` with `reply` (or a plain text): the text cut to
 * {@link TELEGRAM_TEXT_LIMIT}, the suggestions as a one-time reply keyboard (an answer without suggestions
 * removes the previous keyboard). In a group the answer replies to the question and the keyboard is
 * selective, so only the asker sees it.
 */
export function toSendMessage(message: TelegramTextMessage, reply: Reply | string): TelegramSendMessage {
  const text = typeof reply === 'string' ? reply : reply.text;
  const suggestions = typeof reply === 'string' ? [] : reply.suggestions;
  const inGroup = GROUP_CHATS.has(message.chatType);
  const markup: KeyboardMarkup | RemoveKeyboard =
    suggestions.length > 0
      ? {
          keyboard: suggestions.map((s) => [{ text: s }]),
          resize_keyboard: true,
          one_time_keyboard: true,
        }
      : { remove_keyboard: true };
  if (inGroup) markup.selective = true;
  const send: TelegramSendMessage = {
    method: 'sendMessage',
    chat_id: message.chatId,
    text: fitText(text, TELEGRAM_TEXT_LIMIT),
    reply_markup: markup,
  };
  if (message.threadId !== undefined) send.message_thread_id = message.threadId;
  if (inGroup) send.reply_parameters = { message_id: message.messageId, allow_sending_without_reply: true };
  return send;
}
