import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { TelegramSettings } from '../config.js';
import { OnceCache } from '../conversation/once.js';
import { APOLOGY } from '../conversation/turns.js';
import type { Reply } from '../core/types.js';
import { isRecord, methodNotAllowed, parseJsonBody, rawBody, rawBodyOf, requireJson } from '../http/body.js';
import { constantTimeEqual } from '../http/constant-time.js';
import { HttpError } from '../http/errors.js';
import { describeError } from '../log.js';
import type { ChannelDeps } from './channel.js';
import { fitText } from './format.js';

/** The webhook route given to setWebhook as `https://<host>/api/telegram`. */
export const TELEGRAM_PATH = '/api/telegram';
/** Largest accepted update; a text message is at most 4096 characters, so real updates stay far below. */
export const TELEGRAM_BODY_LIMIT = 64 * 1024;
/** Telegram's limit on a message's text. */
export const TELEGRAM_TEXT_LIMIT = 4096;

const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
/** Telegram keeps retrying an undelivered update for up to a day. */
const DEDUPE = { ttlMs: 24 * 60 * 60 * 1000, maxEntries: 10_000 };
const GROUP_CHATS: ReadonlySet<string> = new Set(['group', 'supergroup']);

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
 * `POST /api/telegram`: the Telegram Bot API webhook. Refuses (401) an update without the
 * `X-Telegram-Bot-Api-Secret-Token` given to setWebhook before reading its body; answers a text message in
 * the webhook response as a `sendMessage` call with the suggestions as a reply keyboard, in the chat's
 * conversation (`telegram:<chat id>`) so follow-ups work; answers "/start" with the welcome. Every other
 * update gets 200 `{}`; a redelivered update id gets the first answer again without a second turn. Errors are JSON: 400 for a body
 * that is not an update, 413 over {@link TELEGRAM_BODY_LIMIT}, 415 for a non-JSON content type, 405 for
 * other methods.
 */
export function telegramChannel(deps: ChannelDeps & { settings: TelegramSettings }): Router {
  const once = new OnceCache<TelegramSendMessage>(DEDUPE);
  const router = express.Router();
  router.post(
    TELEGRAM_PATH,
    requireSecretToken(deps.settings.secretToken),
    requireJson('Telegram updates are sent as Content-Type: application/json.'),
    rawBody(TELEGRAM_BODY_LIMIT),
    async (req: Request, res: Response) => {
      const update = parseTelegramUpdate(rawBodyOf(req));
      const message = update.message;
      if (message === null) {
        res.json({});
        return;
      }
      const { first, result } = once.run(String(update.updateId), () => answer(deps, message, update.updateId));
      // Telegram redelivers only an update whose response it never got, so it never ran that sendMessage:
      // the redelivery gets the same answer again, without a second turn of the conversation.
      if (!first)
        deps.logger.debug('telegram update redelivered; sending the first answer again', { updateId: update.updateId });
      res.json(await result);
    },
  );
  router.all(TELEGRAM_PATH, methodNotAllowed('POST', 'Telegram delivers updates with POST.'));
  return router;
}

/** Checks the secret header before the body is read, so an unauthenticated caller costs no parsing. */
function requireSecretToken(secretToken: string): RequestHandler {
  return (req, _res, next) => {
    if (!constantTimeEqual(req.get(SECRET_HEADER), secretToken)) {
      throw new HttpError(
        401,
        'invalid_secret_token',
        'X-Telegram-Bot-Api-Secret-Token must be the secret_token given to setWebhook (TELEGRAM_SECRET_TOKEN).',
      );
    }
    next();
  };
}

async function answer(deps: ChannelDeps, message: TelegramTextMessage, updateId: number): Promise<TelegramSendMessage> {
  const conversationId = `telegram:${message.chatId}`;
  const { command, rest } = splitCommand(message.text);
  let reply: Reply | string;
  try {
    if (command === 'start') {
      reply = deps.turns.welcome();
    } else {
      // "/help" reads as "help"; a command with words after it asks those words.
      const question = command === null ? message.text : rest || command;
      reply = await deps.turns.answer(conversationId, question);
    }
  } catch (error) {
    // Telegram would retry a 5xx for a day; one apology now tells the user to ask again instead.
    deps.logger.error('telegram answer failed', { updateId, conversationId, ...describeError(error) });
    reply = APOLOGY;
  }
  return toSendMessage(message, reply);
}

/** "/help@ArticleBot more words" → command "help", rest "more words"; a plain message has no command. */
function splitCommand(text: string): { command: string | null; rest: string } {
  const match = /^\/([A-Za-z0-9_]+)(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/.exec(text);
  if (!match) return { command: null, rest: text };
  return { command: match[1]!.toLowerCase(), rest: (match[2] ?? '').trim() };
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
