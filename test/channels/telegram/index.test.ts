import type { Express } from 'express';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { TELEGRAM_BODY_LIMIT } from '../../../src/channels/telegram/index.js';
import { TELEGRAM_TEXT_LIMIT, toSendMessage } from '../../../src/channels/telegram/reply.js';
import { parseTelegramUpdate, type TelegramTextMessage } from '../../../src/channels/telegram/update.js';
import { APOLOGY, MAX_QUESTION_LENGTH } from '../../../src/conversation/turns.js';
import { fixture } from '../../support/article.js';
import {
  brokenStore,
  expectJsonError,
  LogCapture,
  makeReply,
  readStateFile,
  useChannelEnv,
  useRealServer,
} from '../../support/channels.js';

const SECRET = 'telegram-test-secret_0123456789';

interface Update {
  update_id: number;
  message: { message_id: number; text: string; chat: { id: number; type: string } };
}

/** A fixture with its ids changed, so each test has its own update and chat. */
let nextId = 1;
const newChatId = () => 9_100_000_000 + nextId++;
function textUpdate(text: string, chatId = newChatId()): Update {
  const update = structuredClone(fixture<Update>('telegram/text-message.json'));
  update.update_id = 800_000 + nextId++;
  update.message.message_id = 5000 + nextId;
  update.message.text = text;
  update.message.chat.id = chatId;
  return update;
}

const env = useChannelEnv('telegram-test-');
let app: Express;

beforeAll(() => {
  app = env.app({ telegram: { secretToken: SECRET } });
});

const post = (body: unknown, secret: string | null = SECRET, target: Express = app) => {
  const req = request(target).post('/api/telegram').set('Content-Type', 'application/json');
  if (secret !== null) req.set('X-Telegram-Bot-Api-Secret-Token', secret);
  return req.send(typeof body === 'string' ? body : JSON.stringify(body));
};

function expectSendMessage(res: request.Response, chatId: number) {
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body).toMatchObject({ method: 'sendMessage', chat_id: chatId });
  expect(typeof res.body.text).toBe('string');
  expect(res.body.text.length).toBeGreaterThan(0);
  return res.body as {
    text: string;
    reply_markup: Record<string, unknown>;
    reply_parameters?: { message_id: number };
    message_thread_id?: number;
  };
}

describe('POST /api/telegram: answers', () => {
  it('answers the fixture text message inline with a sendMessage call and a reply keyboard', async () => {
    const update = fixture<Update>('telegram/text-message.json');
    const expected = env.bot.engine.respond(update.message.text).reply;
    const body = expectSendMessage(await post(update), update.message.chat.id);
    expect(body.text).toContain('300 million');
    expect(body.text).toBe(expected.text);
    expect(body.reply_markup).toEqual({
      keyboard: expected.suggestions.map((text) => [{ text }]),
      resize_keyboard: true,
      one_time_keyboard: true,
    });
    expect(expected.suggestions.length).toBeGreaterThan(0);
    // A private chat needs no quoted reply.
    expect(body.reply_parameters).toBeUndefined();
  });

  it('welcomes "/start" with the engine\'s welcome and its suggestions', async () => {
    const update = fixture<Update>('telegram/start-command.json');
    const welcome = env.bot.engine.welcome();
    const body = expectSendMessage(await post(update), update.message.chat.id);
    expect(body.text).toBe(welcome.text);
    expect(body.reply_markup.keyboard).toEqual(welcome.suggestions.map((text) => [{ text }]));
    // "start" alone reads as a question about when Tianji started; the command must not.
    expect(body.text).not.toContain('2005');
  });

  it('answers "/help@BotName" in a group as help, replying to the question with a selective keyboard', async () => {
    const update = fixture<Update>('telegram/group-help-command.json');
    const help = env.bot.engine.respond('help').reply;
    expect(help.intent).toBe('smalltalk.help');
    const body = expectSendMessage(await post(update), update.message.chat.id);
    expect(body.text).toBe(help.text);
    expect(body.reply_parameters).toEqual({ message_id: update.message.message_id, allow_sending_without_reply: true });
    expect(body.reply_markup).toMatchObject({ selective: true, one_time_keyboard: true, resize_keyboard: true });
  });

  it('answers a follow-up in the same chat, and not across chats', async () => {
    const chat = newChatId();
    const first = expectSendMessage(await post(textUpdate('How many users does WeChat have?', chat)), chat);
    expect(first.text).toContain('500 million');
    const second = expectSendMessage(await post(textUpdate('And LinkedIn?', chat)), chat);
    expect(second.text).toContain('LinkedIn');
    expect(second.text).toMatch(/5 million|300 million/);

    const other = newChatId();
    const alone = expectSendMessage(await post(textUpdate('And LinkedIn?', other)), other);
    // Without the WeChat question first, "And LinkedIn?" has nothing to repeat.
    expect(alone.text).not.toMatch(/5 million|300 million/);
  });

  it('answers a question in Chinese in Chinese, with Chinese suggestions as the keyboard', async () => {
    const chat = newChatId();
    const body = expectSendMessage(await post(textUpdate('天际网成立于哪一年', chat)), chat);
    expect(body.text).toBe('天际网成立于2005年（第13段）。');
    const keys = (body.reply_markup as { keyboard: { text: string }[][] }).keyboard.flat().map((k) => k.text);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => /\p{Script=Han}/u.test(k))).toBe(true);
  });

  it('is limited per conversation, not per address: one platform address delivers every user', async () => {
    // Telegram posts every chat's updates from a few addresses; the address limit is for the open routes.
    const limited = env.app({ telegram: { secretToken: SECRET } }, { perAddressLimit: 2 });
    for (let i = 0; i < 5; i++) {
      const chat = newChatId();
      expectSendMessage(await post(textUpdate('How many users does WeChat have?', chat), SECRET, limited), chat);
    }
    const open = () => request(limited).post('/api/webhook').send({ text: 'Who is Derek Shen?' });
    expect((await open()).status).toBe(200);
    expect((await open()).status).toBe(200);
    expect((await open()).status).toBe(429);
  });

  it('answers a message in a forum topic in that topic', async () => {
    const update = structuredClone(fixture<Update>('telegram/group-help-command.json')) as Update & {
      message: { is_topic_message?: boolean; message_thread_id?: number };
    };
    update.update_id = 800_000 + nextId++;
    update.message.is_topic_message = true;
    update.message.message_thread_id = 17;
    const body = expectSendMessage(await post(update), update.message.chat.id);
    expect(body.message_thread_id).toBe(17);
  });

  it.each([
    ['an edited message', 'edited-message.json'],
    ['a sticker', 'sticker.json'],
    ['a photo with a caption', 'photo-with-caption.json'],
    ['a callback query', 'callback-query.json'],
    ['a channel post', 'channel-post.json'],
    ['a my_chat_member update', 'my-chat-member.json'],
  ])('ignores %s with 200 {} and does not touch the conversation', async (_name, file) => {
    const before = env.counting.total;
    const res = await post(fixture(`telegram/${file}`));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect(env.counting.total).toBe(before);
  });

  it('ignores a whitespace-only text with 200 {}', async () => {
    const res = await post(textUpdate('   '));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
  });

  it('asks for a shorter question when one is too long, leaving the conversation as it was', async () => {
    const chat = newChatId();
    expect(expectSendMessage(await post(textUpdate('How many users does WeChat have?', chat)), chat).text).toContain(
      '500 million',
    );
    const before = env.counting.total;
    const body = expectSendMessage(await post(textUpdate('LinkedIn? '.repeat(201), chat)), chat);
    expect(body.text).toContain(`too long for me (more than ${MAX_QUESTION_LENGTH} characters)`);
    expect(body.reply_markup.keyboard).toEqual(env.bot.engine.welcome().suggestions.map((text) => [{ text }]));
    expect(env.counting.total).toBe(before);
    // Not a turn: "And LinkedIn?" still follows the WeChat question.
    expect(expectSendMessage(await post(textUpdate('And LinkedIn?', chat)), chat).text).toContain('300 million');
  });
});

describe('POST /api/telegram: retries', () => {
  it('gives a redelivered update_id the first answer again and advances the conversation once', async () => {
    // Telegram redelivers only when it never got our response, so it never ran the first sendMessage.
    const chat = newChatId();
    const update = textUpdate('How many users does WeChat have?', chat);
    const before = env.counting.total;
    const first = expectSendMessage(await post(update), chat);
    expect(first.text).toContain('500 million');
    const retry = await post(update);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first);
    expect(env.counting.total).toBe(before + 1);
    const followUp = expectSendMessage(await post(textUpdate('And LinkedIn?', chat)), chat);
    expect(followUp.text).toContain('300 million');
    expect(env.counting.total).toBe(before + 2);
  });

  it('takes one turn for concurrent deliveries of one update', async () => {
    const update = textUpdate('Who is Derek Shen?', newChatId());
    const before = env.counting.total;
    const responses = await Promise.all([post(update), post(update), post(update)]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(responses[0]!.body.method).toBe('sendMessage');
    for (const r of responses) expect(r.body).toEqual(responses[0]!.body);
    expect(env.counting.total).toBe(before + 1);
  });
});

describe('POST /api/telegram: authenticity', () => {
  it.each([
    ['without the header', null],
    ['with a wrong secret', 'telegram-test-secret_0123456780'],
    ['with the secret in another case', SECRET.toUpperCase()],
    ['with a prefix of the secret', SECRET.slice(0, -1)],
    ['with the secret and more', `${SECRET}x`],
    ['with an empty header', ''],
  ])('refuses an update %s with 401 and answers nothing', async (_name, secret) => {
    const before = env.counting.total;
    const res = await post(fixture('telegram/text-message.json'), secret);
    expectJsonError(res, 401, 'invalid_secret_token');
    expect(env.counting.total).toBe(before);
  });

  it('checks the secret before the body: a bad body without the secret is 401, not 400', async () => {
    expectJsonError(await post('{not json', 'wrong-secret-0000000000'), 401, 'invalid_secret_token');
    const huge = JSON.stringify({ update_id: 1, padding: 'x'.repeat(TELEGRAM_BODY_LIMIT) });
    expectJsonError(await post(huge, null), 401, 'invalid_secret_token');
  });

  it('does not log the secret token', () => {
    expect(env.logs.text()).not.toContain(SECRET);
  });
});

describe('POST /api/telegram: bad requests', () => {
  it.each([
    ['malformed JSON', '{"update_id": 1, "message": ', 'invalid_json'],
    ['an empty body', '', 'invalid_json'],
    ['an array', '[{"update_id": 1}]', 'invalid_update'],
    [
      'a missing update_id',
      '{"message": {"message_id": 1, "chat": {"id": 1, "type": "private"}, "text": "hi"}}',
      'invalid_update',
    ],
    ['a string update_id', '{"update_id": "1"}', 'invalid_update'],
    ['a negative update_id', '{"update_id": -4}', 'invalid_update'],
    [
      'a text message without a chat',
      '{"update_id": 7, "message": {"message_id": 1, "date": 1, "text": "hi"}}',
      'invalid_update',
    ],
    [
      'a text message with a string chat id',
      '{"update_id": 8, "message": {"message_id": 1, "chat": {"id": "1", "type": "private"}, "text": "hi"}}',
      'invalid_update',
    ],
  ])('rejects %s with 400', async (_name, body, code) => {
    expectJsonError(await post(body), 400, code);
  });

  it('rejects a body over 64 KiB with 413', async () => {
    const body = JSON.stringify({ ...textUpdate('hi'), padding: 'x'.repeat(TELEGRAM_BODY_LIMIT) });
    expectJsonError(await post(body), 413, 'payload_too_large');
  });

  it('rejects a non-JSON content type with 415', async () => {
    const res = await request(app)
      .post('/api/telegram')
      .set('X-Telegram-Bot-Api-Secret-Token', SECRET)
      .set('Content-Type', 'text/plain')
      .send(JSON.stringify(textUpdate('hi')));
    expectJsonError(res, 415, 'unsupported_media_type');
  });

  it('answers other methods with 405 and Allow: POST', async () => {
    const res = await request(app).get('/api/telegram');
    expectJsonError(res, 405, 'method_not_allowed');
    expect(res.headers.allow).toBe('POST');
  });

  it('is not mounted without TELEGRAM_SECRET_TOKEN (404)', async () => {
    const plain = env.app();
    expectJsonError(await post(fixture('telegram/text-message.json'), SECRET, plain), 404, 'not_found');
  });

  it('apologises with 200 (not a 5xx Telegram would retry for a day) when the conversation store fails', async () => {
    const logs = new LogCapture();
    const failing = env.app(
      { telegram: { secretToken: SECRET } },
      { conversations: brokenStore('EACCES: permission denied, open var/conversations.json'), logger: logs.logger },
    );
    const update = textUpdate('How many members does LinkedIn have?');
    const body = expectSendMessage(await post(update, SECRET, failing), update.message.chat.id);
    expect(body.text).toBe(APOLOGY);
    expect(body.reply_markup).toEqual({ remove_keyboard: true });
    const [logged] = logs.entries('telegram answer failed');
    expect(logged).toMatchObject({
      level: 'error',
      updateId: update.update_id,
      error: expect.stringContaining('EACCES'),
    });
  });
});

describe('toSendMessage and parseTelegramUpdate', () => {
  const privateChat: TelegramTextMessage = { messageId: 3, chatId: 42, chatType: 'private', text: 'q' };
  const reply = (text: string) => makeReply({ text });

  it('keeps the text within 4096 characters, ending with an ellipsis', () => {
    const long = toSendMessage(privateChat, reply('a'.repeat(10_000)));
    expect(long.text).toHaveLength(TELEGRAM_TEXT_LIMIT);
    expect(long.text.endsWith('…')).toBe(true);
    const exact = 'b'.repeat(TELEGRAM_TEXT_LIMIT);
    expect(toSendMessage(privateChat, reply(exact)).text).toBe(exact);
  });

  it('never cuts an emoji in half', () => {
    // An emoji (two UTF-16 units) straddling the cut: its high surrogate would be the last unit kept.
    const text = `${'a'.repeat(TELEGRAM_TEXT_LIMIT - 2)}😀${'z'.repeat(10)}`;
    const cut = toSendMessage(privateChat, reply(text)).text;
    expect(cut.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(cut).toBe(`${'a'.repeat(TELEGRAM_TEXT_LIMIT - 2)}…`);
    expect(() => encodeURIComponent(cut)).not.toThrow();
  });

  it('removes the keyboard when a reply has no suggestions', () => {
    expect(toSendMessage(privateChat, reply('ok')).reply_markup).toEqual({ remove_keyboard: true });
  });

  it('keeps chat ids beyond 32 bits exact', () => {
    const update = parseTelegramUpdate(
      Buffer.from(
        '{"update_id":1,"message":{"message_id":2,"chat":{"id":-1002081736455,"type":"supergroup"},"text":"hi"}}',
      ),
    );
    expect(update.message?.chatId).toBe(-1002081736455);
  });
});

describe('the real server (npm start) with TELEGRAM_SECRET_TOKEN', () => {
  const real = useRealServer('telegram-server-', () => ({ TELEGRAM_SECRET_TOKEN: SECRET }));

  const send = async (body: unknown, secret = SECRET) => {
    const res = await fetch(`${real.server.url}/api/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as { method?: string; chat_id?: number; text?: string; error?: { code: string } },
    };
  };

  it('answers the fixture update, then a follow-up in the same chat, and refuses a wrong secret', async () => {
    const update = fixture<Update>('telegram/text-message.json');
    const first = await send(update);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ method: 'sendMessage', chat_id: update.message.chat.id });
    expect(first.body.text).toContain('300 million');

    const chat = newChatId();
    const wechat = await send(textUpdate('How many users does WeChat have?', chat));
    expect(wechat.body.text).toContain('500 million');
    const followUp = await send(textUpdate('And LinkedIn?', chat));
    expect(followUp.body).toMatchObject({ method: 'sendMessage', chat_id: chat });
    expect(followUp.body.text).toContain('LinkedIn');
    expect(followUp.body.text).not.toContain('500 million');

    const refused = await send(textUpdate('How many members does LinkedIn have?'), 'not-the-secret-token-at-all');
    expect(refused.status).toBe(401);
    expect(refused.body.error?.code).toBe('invalid_secret_token');

    const stored = readStateFile(real.stateFile);
    expect(stored.conversations[`telegram:${chat}`].state.turns).toBe(2);
    expect(real.server.logs()).toContain('"telegram"');
    expect(real.server.logs()).not.toContain(SECRET);
  });
});
