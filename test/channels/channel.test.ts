import { describe, expect, it } from 'vitest';
import {
  answerInConversation,
  fitText,
  MAX_QUESTION_LENGTH,
  plainTextWithSuggestions,
  suggestionsNotInText,
} from '../../src/channels/channel.js';
import { constantTimeEqual } from '../../src/channels/constant-time.js';
import { isRecord, parseJsonBody } from '../../src/channels/request.js';
import { CountingStore, makeReply, useChannelEnv } from '../channel-helpers.js';

const env = useChannelEnv('channel-test-');

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

describe('plainTextWithSuggestions', () => {
  it('adds the suggestions on a line of their own', () => {
    const reply = makeReply({ text: 'Answer (paragraph 2).', suggestions: ['Who is He Miao?', 'And WeChat?'] });
    expect(plainTextWithSuggestions(reply)).toBe(
      'Answer (paragraph 2).\n\nYou could ask: Who is He Miao? | And WeChat?',
    );
  });

  it('leaves the text alone without suggestions', () => {
    expect(plainTextWithSuggestions(makeReply({ text: 'Hello.' }))).toBe('Hello.');
  });

  it('does not repeat suggestions the text already names, as a fallback does', () => {
    const text = 'Sorry, the article does not say that. You could ask: "Who is He Miao?" and "And WeChat?"';
    expect(plainTextWithSuggestions(makeReply({ text, suggestions: ['Who is He Miao?', 'And WeChat?'] }))).toBe(text);
  });

  it('adds only the suggestions the text does not name, in their order', () => {
    const reply = makeReply({
      text: 'Ask "Who is He Miao?" next.',
      suggestions: ['Who is Derek Shen?', 'Who is He Miao?', 'And WeChat?'],
    });
    expect(suggestionsNotInText(reply)).toEqual(['Who is Derek Shen?', 'And WeChat?']);
    expect(plainTextWithSuggestions(reply)).toBe(
      'Ask "Who is He Miao?" next.\n\nYou could ask: Who is Derek Shen? | And WeChat?',
    );
  });
});

describe('fitText', () => {
  it('keeps a text within the limit and cuts a longer one to the limit with an ellipsis', () => {
    expect(fitText('abc', 3)).toBe('abc');
    expect(fitText('abcd', 3)).toBe('ab…');
  });

  it('never splits a surrogate pair', () => {
    expect(fitText('ab😀cd', 4)).toBe('ab…');
    expect(fitText('ab😀cd', 5)).toBe('ab😀…');
  });
});

describe('request helpers', () => {
  it('parses UTF-8 JSON and refuses anything else with 400 invalid_json', () => {
    expect(parseJsonBody(Buffer.from('{"a":[1,"é"]}'))).toEqual({ a: [1, 'é'] });
    for (const raw of [Buffer.from(''), Buffer.from('{"a":'), Buffer.from([0x22, 0xff, 0x22])]) {
      expect(() => parseJsonBody(raw)).toThrow(expect.objectContaining({ status: 400, code: 'invalid_json' }));
    }
  });

  it('takes only JSON objects for records', () => {
    expect(isRecord({})).toBe(true);
    for (const value of [null, [], 'x', 1, undefined]) expect(isRecord(value)).toBe(false);
  });

  it('compares secrets exactly, and an absent one never matches', () => {
    expect(constantTimeEqual('s3cret', 's3cret')).toBe(true);
    for (const given of ['s3creT', 's3cre', 's3crett', '', undefined])
      expect(constantTimeEqual(given, 's3cret')).toBe(false);
    expect(constantTimeEqual(undefined, '')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });
});
