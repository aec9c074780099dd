import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import wordListPath from 'word-list';
import { loadDictionary, SortedWordList } from '../../src/store/dictionary.js';

describe('SortedWordList', () => {
  it('knows exactly the words of the list', () => {
    const list = SortedWordList.fromText('apple\nbanana\ncherry\n');
    expect(['apple', 'banana', 'cherry'].map((w) => list.has(w))).toEqual([true, true, true]);
    expect(['', 'appl', 'apples', 'aardvark', 'zebra', 'banana\ncherry'].map((w) => list.has(w))).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(list.size).toBe(3);
  });

  it('sorts and dedupes a list that is not sorted, and takes a last line without a newline', () => {
    const list = SortedWordList.fromText('pear\napple\n\npear\nfig');
    expect(list.size).toBe(3);
    for (const word of ['pear', 'apple', 'fig']) expect(list.has(word)).toBe(true);
    expect(list.has('')).toBe(false);
  });

  it('holds every word of the word-list package and nothing else', async () => {
    const words = readFileSync(wordListPath, 'utf8').split('\n').filter(Boolean);
    const list = await loadDictionary();
    expect(list.size).toBe(words.length);
    for (let i = 0; i < words.length; i += 97) expect(list.has(words[i]!)).toBe(true);
    for (const word of ['founder', 'movie', 'linkedin']) expect(list.has(word)).toBe(word !== 'linkedin');
    for (let i = 0; i < words.length; i += 997) expect(list.has(`${words[i]}qx`)).toBe(false);
  });
});
