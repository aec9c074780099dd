import porterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';

/**
 * Splits text into lowercase word tokens: letters and digits (runs of CJK characters are one token each).
 * Possessive "'s" is dropped and "500,000" stays one token, so "LinkedIn's" -> ["linkedin"].
 */
export function tokenize(text: string): string[] {
  const normalized = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/(\d),(?=\d{3}\b)/g, '$1')
    .replace(/'s\b/g, '');
  return normalized.match(/[\p{Script=Han}]+|[\p{L}\p{N}]+/gu) ?? [];
}

/** The Porter stem of a token (natural's stemmer). */
export function stem(token: string): string {
  return porterStemmer.stem(token);
}

/**
 * Words too common to say anything about the intent. Question words (who, what, when, how, many...) and
 * pronouns are kept on purpose: "who is" and "what did she say" mean different intents.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'the', 'of', 'to', 'in', 'on', 'at', 'by', 'for', 'from', 'with', 'as', 'and', 'or',
  'is', 'are', 'was', 'were', 'be', 'been', 'being', 'am', 'do', 'does', 'did', 'has', 'have', 'had',
  'i', 'me', 'my', 'you', 'your', 'we', 'us', 'our', 'this', 'that', 'these', 'those', 'there',
  'please', 'can', 'could', 'would', 'will', 'shall', 'should', 'may', 'might', 'just', 'so', 'then',
  'um', 'uh', 'ok', 'okay', 'hmm', 'know', 'like', 'any', 'some', 'really', 'actually',
]);

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transpositions), or `max + 1` as soon as
 * the distance is known to exceed `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, prevPrev[j - 2]! + 1);
      }
      row.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > max) return max + 1;
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/** How many edits a misspelling of a word this long may have and still be corrected. */
function allowedEdits(length: number): number {
  if (length < 4) return 0;
  if (length < 7) return 1;
  return 2;
}

/**
 * A spelling corrector over a fixed vocabulary: an unknown token is replaced by the closest known word
 * within a small edit distance (ties go to the more frequent word); tokens shorter than 4 characters and
 * numbers are left alone. With `sameFirstLetter`, only words starting like the token are candidates (for
 * names, where "then" must not become "Shen"). Results are memoised, so a repeated typo costs one lookup.
 */
export class SpellCorrector {
  private readonly words: Map<string, number>;
  private readonly byLength = new Map<number, string[]>();
  private readonly memo = new Map<string, string>();

  constructor(
    frequencies: Map<string, number>,
    private readonly sameFirstLetter = false,
  ) {
    this.words = frequencies;
    for (const word of frequencies.keys()) {
      const list = this.byLength.get(word.length) ?? [];
      list.push(word);
      this.byLength.set(word.length, list);
    }
  }

  isKnown(token: string): boolean {
    return this.words.has(token);
  }

  /** The token itself when known or uncorrectable, else its correction. */
  correct(token: string): string {
    if (this.words.has(token) || /\d/.test(token)) return token;
    const cached = this.memo.get(token);
    if (cached !== undefined) return cached;
    const max = allowedEdits(token.length);
    let best = token;
    let bestDistance = max + 1;
    let bestFrequency = 0;
    for (let length = token.length - max; length <= token.length + max; length++) {
      for (const word of this.byLength.get(length) ?? []) {
        if (allowedEdits(word.length) === 0) continue;
        if (this.sameFirstLetter && word[0] !== token[0]) continue;
        const distance = editDistance(token, word, Math.min(max, bestDistance));
        const frequency = this.words.get(word)!;
        if (distance < bestDistance || (distance === bestDistance && distance <= max && frequency > bestFrequency)) {
          best = word;
          bestDistance = distance;
          bestFrequency = frequency;
        }
      }
    }
    if (this.memo.size > 10_000) this.memo.clear();
    this.memo.set(token, best);
    return best;
  }
}
