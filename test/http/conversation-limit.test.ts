import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useChannelEnv } from '../support/channels.js';

const env = useChannelEnv('conversation-limit-test-');
const TELEGRAM = { secretToken: 'conversation-limit-secret_01' };

describe('the per-conversation limit', () => {
  it('answers the webhook with 429 and Retry-After, without taking the turn, and leaves other conversations alone', async () => {
    const app = env.app({}, { perConversationLimit: 2 });
    const ask = (text: string, conversationId: string) =>
      request(app).post('/api/webhook').send({ text, conversationId });
    expect((await ask('How many users does WeChat have?', 'limited')).status).toBe(200);
    expect((await ask('How many users does WeChat have?', 'limited')).status).toBe(200);
    const turns = env.counting.total;
    const limited = await ask('And LinkedIn?', 'limited');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.body.error).toMatchObject({ code: 'rate_limited' });
    expect(limited.body.error.message).toContain('conversation');
    expect(env.counting.total).toBe(turns);
    expect((await ask('And LinkedIn?', 'another')).status).toBe(200);
    // Without a conversation id there is no conversation to limit.
    for (let i = 0; i < 3; i++) expect((await request(app).post('/api/webhook').send({ text: 'hi' })).status).toBe(200);
  });

  it('asks a Telegram chat to wait with a normal answer, since Telegram shows no HTTP errors', async () => {
    const app = env.app({ telegram: TELEGRAM }, { perConversationLimit: 1 });
    const update = (id: number, text: string) => ({
      update_id: id,
      message: { message_id: id, date: 0, chat: { id: 4242, type: 'private' }, text },
    });
    const send = (id: number, text: string) =>
      request(app)
        .post('/api/telegram')
        .set('X-Telegram-Bot-Api-Secret-Token', TELEGRAM.secretToken)
        .send(update(id, text));
    expect((await send(1, 'How many users does WeChat have?')).body.text).toContain('500 million');
    const limited = await send(2, 'And LinkedIn?');
    expect(limited.status).toBe(200);
    expect(limited.body).toMatchObject({ method: 'sendMessage', chat_id: 4242 });
    expect(limited.body.text).toMatch(/please wait \d+ s/);
  });

  it('asks a Bot Framework conversation to wait', async () => {
    const app = env.app({}, { perConversationLimit: 1 });
    const activity = (id: string, text: string) => ({
      type: 'message',
      id,
      text,
      channelId: 'emulator',
      serviceUrl: 'http://127.0.0.1:9',
      conversation: { id: 'bf-limited' },
      from: { id: 'user' },
      recipient: { id: 'bot' },
      deliveryMode: 'expectReplies',
    });
    const first = await request(app).post('/api/messages').send(activity('1', 'How many users does WeChat have?'));
    expect(first.body.activities[0].text).toContain('500 million');
    const limited = await request(app).post('/api/messages').send(activity('2', 'And LinkedIn?'));
    expect(limited.status).toBe(200);
    expect(limited.body.activities[0].text).toMatch(/please wait \d+ s/);
  });
});
