import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EntityMatcher, findPronouns } from '../../src/core/entities.js';
import {
  editDistance,
  quotedIn,
  SpellCorrector,
  sentencesOf,
  tokenize,
  withoutPoliteness,
} from '../../src/core/text.js';
import { sharedBot } from '../support/article.js';

describe('sentencesOf and quotedIn', () => {
  it.each([
    ['Hello! Who is He Miao? Thanks.', ['Hello!', 'Who is He Miao?', 'Thanks.']],
    ['I read it. When was Tianji founded?', ['I read it.', 'When was Tianji founded?']],
    // A full stop before a small letter, or after an abbreviation, ends no sentence.
    ['LinkedIn China: current users vs. target?', ['LinkedIn China: current users vs. target?']],
    ['Is it based in the U.S. Or in China?', ['Is it based in the U.S. Or in China?']],
    ['tianji.com users?', ['tianji.com users?']],
  ])('%s', (message, expected) => {
    expect(sentencesOf(message)).toEqual(expected);
  });

  it('finds words a question quotes, not an apostrophe', () => {
    expect(quotedIn("Who said 'People have two identities'?")).toBe('People have two identities');
    expect(quotedIn('who said \u201ca good catalyst\u201d')).toBe('a good catalyst');
    expect(quotedIn("What's LinkedIn's plan?")).toBeUndefined();
  });
});

describe('withoutPoliteness', () => {
  it.each([
    ['I was wondering if you could kindly tell me who He Miao is', 'who he miao is'],
    ["Could you please tell me when Tianji was founded? I'd really appreciate it", 'when tianji was founded'],
    ['quick question: how many users does WeChat have, thanks so much', 'how many users does wechat have'],
    // The politeness is the message: left as it is.
    ['thank you so much', 'thank you so much'],
    ['thanks bot', 'thanks bot'],
    ['what can you tell me', 'what can you tell me'],
    // "tell me about" asks, and a word of a phrase alone is no politeness.
    ['tell me about Tianji', 'tell me about tianji'],
    ['I wonder about LinkedIn', 'i wonder about linkedin'],
    // Where the answer comes from is always the article, unless that is what is asked.
    ['According to the article, when was Tianji founded?', 'when was tianji founded'],
    ['what is in the article', 'what is in the article'],
  ])('%s -> %s', (text, expected) => {
    expect(withoutPoliteness(tokenize(text)).join(' ')).toBe(expected);
  });
});

describe('tokenize', () => {
  it.each([
    ["LinkedIn's 300 million members?", ['linkedin', '300', 'million', 'members']],
    ['Tianji.com grew by 500,000 a month', ['tianji', 'com', 'grew', 'by', '500000', 'a', 'month']],
    ['He Miao\u2019s view — “localization”', ['he', 'miao', 'view', 'localization']],
    ['你好 bot', ['你好', 'bot']],
    ['   ', []],
  ])('%j', (text, tokens) => {
    expect(tokenize(text)).toEqual(tokens);
  });
});

describe('editDistance', () => {
  it.each([
    ['linkedin', 'linkedin', 0],
    ['linkedn', 'linkedin', 1],
    ['maio', 'miao', 1],
    ['memebers', 'members', 1],
    ['wechat', 'wechta', 1],
    ['wechat', 'tianji', 6],
  ])('%s ~ %s = %i (bounded at 3)', (a, b, d) => {
    expect(editDistance(a, b, 3)).toBe(Math.min(d, 4));
  });

  it('stops early once past the bound', () => {
    expect(editDistance('abcdefgh', 'zyxwvuts', 2)).toBe(3);
  });

  it('agrees with the whole optimal string alignment table up to the bound', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 40 });
    fc.assert(
      fc.property(word, word, fc.nat(12), (a, b, max) => {
        // Past the bound, only "more than max" is promised, not the distance.
        expect(Math.min(editDistance(a, b, max), max + 1)).toBe(Math.min(osaDistance(a, b), max + 1));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('SpellCorrector', () => {
  const speller = new SpellCorrector(
    new Map([
      ['members', 5],
      ['number', 3],
      ['wechat', 4],
      ['member', 1],
    ]),
  );
  it('corrects close misspellings and leaves the rest', () => {
    expect(speller.correct('memebers')).toBe('members');
    expect(speller.correct('numbr')).toBe('number');
    expect(speller.correct('wechta')).toBe('wechat');
    expect(speller.correct('pizza')).toBe('pizza');
    expect(speller.correct('2005')).toBe('2005');
    expect(speller.correct('wht')).toBe('wht');
  });

  it('keeps names apart from common words when asked to match the first letter', () => {
    const names = new SpellCorrector(new Map([['shen', 1]]), true);
    expect(names.correct('shenn')).toBe('shen');
    expect(names.correct('then')).toBe('then');
  });
});

describe('EntityMatcher', async () => {
  const { knowledge } = await sharedBot();
  const matcher = new EntityMatcher(knowledge);

  it('prefers the longest name, so "He Miao" is a person and not the pronoun "he"', () => {
    const tokens = tokenize('Did he say what He Miao thinks of LinkedIn China?');
    const mentions = matcher.find(tokens);
    expect(mentions.map((m) => m.id)).toEqual(['he-miao', 'linkedin', 'china']);
    expect(findPronouns(tokens, mentions)).toEqual(['he']);
  });

  it('finds people, organizations and places by alias', () => {
    const ids = matcher.find(tokenize('Shen, Tianji, Sequoia and Beijing and the United States')).map((m) => m.id);
    expect(ids).toEqual(['derek-shen', 'tianji', 'sequoia-china', 'beijing', 'united-states']);
  });

  it('is not fooled by object keys', () => {
    expect(matcher.find(tokenize('constructor __proto__ toString'))).toEqual([]);
    expect(findPronouns(tokenize('constructor hasOwnProperty'), [])).toEqual([]);
  });
});

/** Optimal string alignment distance from the whole table, no shortcuts: the reference for editDistance. */
function osaDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
