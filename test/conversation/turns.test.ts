import { describe, expect, it } from 'vitest';
import { answerInConversation, MAX_QUESTION_LENGTH } from '../../src/conversation/turns.js';
import { CountingStore, useChannelEnv } from '../channel-helpers.js';

const env = useChannelEnv('turns-test-');

describe('answerInConversation', () => {
  it('answers a question of exactly the limit as a turn of the conversation', async () => {
    const counting = new CountingStore(env.store);
    const question = `${'linkedin '.repeat(222)}ab`;
    expect(question).toHaveLength(MAX_QUESTION_LENGTH);
    const reply = await answerInConversation(
      { engine: env.bot.engine, conversations: counting },
      'at-the-limit',
      ` ${question} `,
    );
    expect(reply.text).not.toMatch(/too long/);
    expect(counting.turns.get('at-the-limit')).toBe(1);
  });

  it.each([
    ['in a conversation', 'too-long'],
    ['without one', undefined],
  ])('asks for a shorter question over the limit %s, without a turn', async (_name, conversationId) => {
    const counting = new CountingStore(env.store);
    const reply = await answerInConversation(
      { engine: env.bot.engine, conversations: counting },
      conversationId,
      'x'.repeat(MAX_QUESTION_LENGTH + 1),
    );
    expect(reply).toEqual({
      text: `Sorry, that question is too long for me (more than ${MAX_QUESTION_LENGTH} characters); please ask it in fewer words.`,
      intent: null,
      confidence: 0,
      fallback: true,
      sources: [],
      quotes: [],
      suggestions: env.bot.engine.welcome().suggestions,
    });
    expect(counting.total).toBe(0);
  });
});
