import { describe, expect, it } from 'vitest';
import { fitText, plainTextWithSuggestions, suggestionsNotInText } from '../../src/channels/format.js';
import { makeReply } from '../support/channels.js';

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
