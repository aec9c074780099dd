import { readFile } from 'node:fs/promises';
import wordListPath from 'word-list';

/**
 * English words (the word-list package, about 275,000 lowercase words), for the spelling corrector to
 * know a real word from a typo.
 */
export async function loadDictionary(): Promise<Set<string>> {
  const text = await readFile(wordListPath, 'utf8');
  return new Set(text.split('\n'));
}
