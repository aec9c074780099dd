import { readFile } from 'node:fs/promises';
import wordListPath from 'word-list';
import type { WordSet } from '../core/types.js';

/**
 * A word list kept as the file's one string plus the offset of each word, searched by bisection. A Set of
 * the same 275,000 words costs about 20 MB of heap and 100 ms to build; this costs about 3 MB and one scan.
 */
export class SortedWordList implements WordSet {
  private constructor(
    private readonly text: string,
    /** Start of each word in `text`, in ascending order of the words; each word ends at the next newline. */
    private readonly starts: Uint32Array,
    /** Words that stood out of order in the list (word-list has two), found by a Set instead. */
    private readonly unordered: ReadonlySet<string>,
  ) {}

  /** Builds the list from newline-separated words, in any order (it is fastest when they are sorted). */
  static fromText(text: string): SortedWordList {
    const words = text.endsWith('\n') ? text : `${text}\n`;
    const starts: number[] = [];
    const unordered = new Set<string>();
    let last = '';
    for (let at = 0; at < words.length; at = words.indexOf('\n', at) + 1) {
      const word = words.slice(at, words.indexOf('\n', at));
      if (word === '') continue;
      // Keeping only words above the last one kept leaves `starts` sorted whatever the input order.
      if (word > last) {
        starts.push(at);
        last = word;
      } else {
        unordered.add(word);
      }
    }
    return new SortedWordList(words, Uint32Array.from(starts), unordered);
  }

  /** Number of different words. */
  get size(): number {
    return this.starts.length + [...this.unordered].filter((word) => !this.bisect(word)).length;
  }

  has(word: string): boolean {
    return this.bisect(word) || this.unordered.has(word);
  }

  private bisect(word: string): boolean {
    let low = 0;
    let high = this.starts.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const start = this.starts[middle]!;
      const candidate = this.text.slice(start, this.text.indexOf('\n', start));
      if (candidate === word) return true;
      if (candidate < word) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }
}

/**
 * English words (the word-list package, about 275,000 lowercase words), for the spelling corrector to
 * know a real word from a typo.
 */
export async function loadDictionary(): Promise<SortedWordList> {
  return SortedWordList.fromText(await readFile(wordListPath, 'utf8'));
}
