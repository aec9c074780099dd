import { describe, expect, it } from 'vitest';
import { MAX_QUESTION_LENGTH, Turns } from '../../src/conversation/turns.js';
import { CountingStore, useChannelEnv } from '../support/channels.js';

const env = useChannelEnv('turns-test-');

describe('Turns.answer', () => {
  it('answers a question of exactly the limit as a turn of the conversation', async () => {
    const counting = new CountingStore(env.store);
    const question = `${'linkedin '.repeat(222)}ab`;
    expect(question).toHaveLength(MAX_QUESTION_LENGTH);
    const reply = await new Turns({ engine: env.bot.engine, conversations: counting }).answer(
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
    const reply = await new Turns({ engine: env.bot.engine, conversations: counting }).answer(
      conversationId,
      'x'.repeat(MAX_QUESTION_LENGTH + 1),
    );
    expect(reply).toEqual({
      lang: 'en',
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

describe('Turns.inOrder', () => {
  const turns = () => new Turns({ engine: env.bot.engine, conversations: env.store });
  const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('runs the work of one conversation one after another, in the order given, whatever each takes', async () => {
    const path = turns();
    const done: string[] = [];
    await Promise.all(
      [30, 0, 10].map((ms, i) =>
        path.inOrder('c', async () => {
          done.push(`start ${i}`);
          await later(ms);
          done.push(`end ${i}`);
        }),
      ),
    );
    expect(done).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('runs different conversations side by side, and goes on after a failure', async () => {
    const path = turns();
    const done: string[] = [];
    const slow = path.inOrder('a', async () => {
      await later(30);
      done.push('a');
    });
    const failing = path.inOrder('b', () => Promise.reject(new Error('delivery failed')));
    const after = path.inOrder('b', async () => {
      done.push('b');
    });
    await expect(failing).rejects.toThrow('delivery failed');
    await after;
    // b's second piece of work ran while a's was still waiting.
    expect(done).toEqual(['b']);
    await slow;
    expect(done).toEqual(['b', 'a']);
  });
});
