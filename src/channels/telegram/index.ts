import express, { type RequestHandler, type Router } from 'express';
import { APOLOGY } from '../../conversation/turns.js';
import type { Reply } from '../../core/types.js';
import { postRoute } from '../../http/body.js';
import { constantTimeEqual } from '../../http/constant-time.js';
import { HttpError } from '../../http/errors.js';
import { describeError } from '../../log.js';
import { StoreUnavailableError } from '../../store/errors.js';
import { type ChannelDeps, defineChannel } from '../channel.js';
import { type TelegramSendMessage, toSendMessage } from './reply.js';
import { readTelegramSettings, type TelegramSettings } from './settings.js';
import { parseTelegramUpdate, type TelegramTextMessage } from './update.js';

/** The webhook route given to setWebhook as `https://<host>/api/telegram`. */
export const TELEGRAM_PATH = '/api/telegram';
/** Largest accepted update; a text message is at most 4096 characters, so real updates stay far below. */
export const TELEGRAM_BODY_LIMIT = 64 * 1024;

const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** Telegram's Bot API webhook: on when TELEGRAM_SECRET_TOKEN is set. */
export const telegramChannel = defineChannel('telegram', {
  readSettings: readTelegramSettings,
  routes: telegramRoutes,
  signedPaths: () => [TELEGRAM_PATH],
});

/**
 * `POST /api/telegram`: the Telegram Bot API webhook. Refuses (401) an update without the
 * `X-Telegram-Bot-Api-Secret-Token` given to setWebhook before reading its body; answers a text message in
 * the webhook response as a `sendMessage` call with the suggestions as a reply keyboard, in the chat's
 * conversation (`telegram:<chat id>`) so follow-ups work; answers "/start" with the welcome. Every other
 * update gets 200 `{}`; a redelivered update id gets the first answer again without a second turn. Errors
 * are JSON: 400 for a body that is not an update, 413 over {@link TELEGRAM_BODY_LIMIT}, 415 for a non-JSON
 * content type, 405 for other methods.
 */
export function telegramRoutes(deps: ChannelDeps, settings: TelegramSettings): Router {
  // Telegram keeps retrying an undelivered update for up to a day.
  const once = deps.dedupe<TelegramSendMessage>('telegram', 24 * 60 * 60 * 1000, () =>
    deps.metrics?.deduplicated('telegram'),
  );
  const router = express.Router();
  const route = {
    before: [requireSecretToken(settings.secretToken)],
    typeMessage: 'Telegram updates are sent as Content-Type: application/json.',
    limit: TELEGRAM_BODY_LIMIT,
    methodMessage: 'Telegram delivers updates with POST.',
  };
  postRoute(router, TELEGRAM_PATH, route, async (_req, res, body) => {
    const update = parseTelegramUpdate(body);
    const message = update.message;
    if (message === null) {
      res.json({});
      return;
    }
    const { first, result } = await once.run(String(update.updateId), () => answer(deps, message, update.updateId));
    // Telegram redelivers only an update whose response it never got, so it never ran that sendMessage:
    // the redelivery gets the same answer again, without a second turn of the conversation.
    if (!first)
      deps.logger.debug('telegram update redelivered; sending the first answer again', { updateId: update.updateId });
    res.json(await result);
  });
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
    // Shared state out of reach for a moment (Redis): a 503, and Telegram's retry gets the answer.
    if (error instanceof StoreUnavailableError) throw error;
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
