import porterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';

/** Chat spellings and contractions, written out: "r u" -> "are you", "what's" -> "what is". */
const SPELLED_OUT = new Map<string, string[]>([
  ['r', ['are']],
  ['u', ['you']],
  ['ur', ['your']],
  ['ya', ['you']],
  ['pls', ['please']],
  ['plz', ['please']],
  ['ppl', ['people']],
  ['hw', ['how']],
  ['wat', ['what']],
  ['wht', ['what']],
  ['abt', ['about']],
  ['bc', ['because']],
  ['cuz', ['because']],
  ['coz', ['because']],
  ['thx', ['thanks']],
  ['thnx', ['thanks']],
  ['gonna', ['going', 'to']],
  ['wanna', ['want', 'to']],
  ['gotta', ['got', 'to']],
  ['whats', ['what', 'is']],
  ['hows', ['how', 'is']],
  ['whos', ['who', 'is']],
  ['wheres', ['where', 'is']],
  ['dont', ['do', 'not']],
  ['doesnt', ['does', 'not']],
  ['isnt', ['is', 'not']],
  ['didnt', ['did', 'not']],
  ['cant', ['can', 'not']],
  ['im', ['i', 'am']],
  ['ive', ['i', 'have']],
  ['tldr', ['summary']],
  ['ca', ['can']],
  ['wo', ['will']],
]);

/**
 * Politeness around a question, which says nothing of what is asked: "I was wondering if you could tell me",
 * "quick question", "thanks so much". Word by word as tokenized ("I'd" is "i would"); a word ending in "?" may be
 * left out.
 */
const POLITENESS: readonly (readonly string[])[] = [
  'i was wondering if you could please? kindly? tell me',
  'i am wondering if you could please? kindly? tell me',
  'i wonder if you could please? kindly? tell me',
  'i was wondering',
  'i am wondering',
  'could you please? kindly? tell me',
  'can you please? kindly? tell me',
  'would you please? kindly? tell me',
  'could you please? kindly? let me know',
  'can you please? let me know',
  'please tell me',
  'do you happen? to? know',
  'does anyone know',
  'i would like to know',
  'i would love to know',
  'i want to know',
  'i need to know',
  'i am curious',
  'just curious',
  'quick question',
  'sorry to bother you',
  'sorry if this is a silly question',
  'if you do not mind',
  'by any chance',
  'thanks so? much? in? advance?',
  'thank you so? very? much? in? advance?',
  'many thanks in? advance?',
  'i would really? appreciate it',
  'i really? appreciate it',
  'appreciate it',
  'much appreciated',
  'kindly',
  // Where the answer is to come from, which is always the article: "according to the article", "in the story".
  ...['article', 'story', 'piece', 'report', 'text', 'news'].flatMap((source) => [
    `according to the ${source}`,
    `according to this ${source}`,
    `in the ${source}`,
    `in this ${source}`,
  ]),
].map((phrase) => phrase.split(' '));

/**
 * The tokens without politeness (see {@link POLITENESS}), longest phrase first; the tokens as they were when
 * hardly anything else would be left ("thank you so much", "thanks bot" and "what can you tell me" are small talk,
 * and stay).
 */
export function withoutPoliteness(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; ) {
    let longest = 0;
    for (const phrase of POLITENESS_BY_WORD.get(tokens[i]!) ?? [])
      longest = Math.max(longest, matchLength(phrase, tokens, i));
    if (longest > 0) i += longest;
    else out.push(tokens[i++]!);
  }
  const left = out.length >= MIN_LEFT && out.some((t) => !STOP_WORDS.has(t) && !ASKING_WORDS.has(t));
  return left && out.length < tokens.length ? out : [...tokens];
}

/** Words that only ask: a question of these alone asks nothing ("what is?"). */
const ASKING_WORDS: ReadonlySet<string> = new Set([
  'what',
  'who',
  'whom',
  'whose',
  'where',
  'when',
  'why',
  'how',
  'which',
  'do',
  'can',
  'could',
  'would',
  'will',
  'you',
  'me',
  'i',
  'it',
  'tell',
  'say',
  'says',
  'said',
  'about',
  'not',
]);

/**
 * Fewer words left than this, or only function words, and the politeness was the message: "thanks bot", "what
 * can you tell me", "what is in the article?".
 */
const MIN_LEFT = 2;

/** How many tokens from `at` the phrase matches, optional words ("please?") matched when there; 0 when it does not. */
/**
 * The phrases of {@link POLITENESS} by the words they can start with (their first word, and the next while the one
 * before is optional): only those can match where a question has that word, so most words try none.
 */
const POLITENESS_BY_WORD = (() => {
  const byWord = new Map<string, (readonly string[])[]>();
  for (const phrase of POLITENESS) {
    for (const word of phrase) {
      const bare = word.replace(/\?$/, '');
      const list = byWord.get(bare) ?? [];
      if (!list.includes(phrase)) list.push(phrase);
      byWord.set(bare, list);
      if (!word.endsWith('?')) break;
    }
  }
  return byWord;
})();

function matchLength(phrase: readonly string[], tokens: readonly string[], at: number): number {
  let i = at;
  for (const word of phrase) {
    const optional = word.endsWith('?');
    const bare = optional ? word.slice(0, -1) : word;
    if (tokens[i] === bare) i++;
    else if (!optional) return 0;
  }
  return i - at;
}

/** What a contraction's second part ("'re", "n't") stands for. */
const CONTRACTIONS = new Map<string, string>([
  ['re', 'are'],
  ['ve', 'have'],
  ['ll', 'will'],
  ['d', 'would'],
  ['m', 'am'],
  ['t', 'not'],
]);

/**
 * Splits text into lowercase word tokens: letters and digits (runs of CJK characters are one token each).
 * Possessive "'s" is dropped, "500,000" stays one token, and chat spellings and contractions are written
 * out, so "LinkedIn's" -> ["linkedin"] and "r u" -> ["are", "you"].
 */
export function tokenize(text: string): string[] {
  let tokens = tokenized.get(text);
  if (tokens === undefined) {
    tokens = tokenizeOnce(text);
    // Training reads each utterance more than once, and people ask the same questions: remembered, bounded.
    if (tokenized.size >= MAX_TOKENIZED) tokenized.clear();
    tokenized.set(text, tokens);
  }
  return [...tokens];
}

/** Texts already tokenized (the tokens are copied out, so callers may change theirs). */
const tokenized = new Map<string, readonly string[]>();
const MAX_TOKENIZED = 10_000;

function tokenizeOnce(text: string): string[] {
  // NFKC only where a character may change under it: most questions are plain ASCII.
  let normalized = /[^ -~]/.test(text)
    ? text
        .normalize('NFKC')
        .toLowerCase()
        .replace(/[\u2018\u2019\u02bc]/g, "'")
    : text.toLowerCase();
  // Each rewrite only where its trigger is there at all.
  if (/\d/.test(normalized)) {
    normalized = normalized
      .replace(/(\d),(?=\d{3}\b)/g, '$1')
      .replace(/(\d)\s*%/g, '$1 percent ')
      .replace(/\b(\d+(?:\.\d+)?)\s?(?:m|mn|mln|mil)\b/g, '$1 million')
      .replace(/\b(\d+(?:\.\d+)?)\s?(?:bn)\b/g, '$1 billion')
      .replace(/\b(\d+)k\b/g, '$1000');
  }
  if (normalized.includes("'")) {
    normalized = normalized
      .replace(/\b(what|who|where|how|it|that|there|here)'s\b/g, '$1 is')
      .replace(/'s\b/g, '')
      .replace(/n't\b/g, " n't");
  }
  if (normalized.includes('tl')) normalized = normalized.replace(/\btl;?dr\b/g, 'tldr');
  const tokens: string[] = [];
  for (const raw of normalized.match(/[\p{Script=Han}]+|\d+\.\d+|[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? []) {
    const [word, suffix] = raw.split("'") as [string, string | undefined];
    if (word === 'n' && suffix === 't') {
      tokens.push('not');
      continue;
    }
    tokens.push(...(SPELLED_OUT.get(word) ?? [word]));
    if (suffix !== undefined) tokens.push(CONTRACTIONS.get(suffix) ?? suffix);
  }
  return numbersAsDigits(tokens);
}

const UNITS = new Map(
  [
    'zero',
    'one',
    'two',
    'three',
    'four',
    'five',
    'six',
    'seven',
    'eight',
    'nine',
    'ten',
    'eleven',
    'twelve',
    'thirteen',
    'fourteen',
    'fifteen',
    'sixteen',
    'seventeen',
    'eighteen',
    'nineteen',
  ].map((w, i) => [w, i]),
);
const TENS = new Map(
  ['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'].map((w, i) => [w, (i + 2) * 10]),
);
/** Scale words the article writes out after digits ("300 million"): kept as words. */
const WRITTEN_SCALES: ReadonlySet<string> = new Set(['million', 'millions', 'billion', 'billions']);

/**
 * Numbers written as words become digits, as the article writes them: "three hundred million" -> "300 million",
 * "eighty percent" -> "80 percent", "five hundred thousand" -> "500000" ("500,000" tokenizes the same). A lone
 * "one" stays a word ("which one", "one of its top priorities"); "one million" and "a million" become "1 million".
 */
function numbersAsDigits(tokens: string[]): string[] {
  if (!tokens.some((t) => UNITS.has(t) || TENS.has(t) || t === 'hundred' || t === 'thousand' || t === 'a'))
    return tokens;
  const out: string[] = [];
  let i = 0;
  while (i < tokens.length) {
    const read = readNumber(tokens, i);
    if (read) {
      out.push(String(read.value));
      i = read.end;
    } else {
      out.push(tokens[i]!);
      i++;
    }
  }
  return out;
}

/** A number in words starting at tokens[i]: its value and the index after it; null when there is none. */
function readNumber(tokens: readonly string[], i: number): { value: number; end: number } | null {
  let total = 0;
  let current = 0;
  let j = i;
  let words = 0;
  while (j < tokens.length) {
    const t = tokens[j]!;
    const next = tokens[j + 1];
    if (UNITS.has(t)) current += UNITS.get(t)!;
    else if (TENS.has(t)) current += TENS.get(t)!;
    else if (t === 'a' && words === 0 && (next === 'hundred' || next === 'thousand' || WRITTEN_SCALES.has(next ?? '')))
      current = 1;
    else if (t === 'hundred' && words > 0) current = Math.max(current, 1) * 100;
    else if (t === 'thousand' && words > 0) {
      total += Math.max(current, 1) * 1000;
      current = 0;
    } else if (t === 'and' && words > 0 && (UNITS.has(next ?? '') || TENS.has(next ?? ''))) {
      // "five hundred and twenty"
    } else break;
    words++;
    j++;
  }
  if (words === 0) return null;
  const value = total + current;
  // A lone "one" (or "a") is not a number unless a scale follows: "1 million", but "which one".
  if (words === 1 && (tokens[i] === 'one' || tokens[i] === 'a') && !WRITTEN_SCALES.has(tokens[j] ?? '')) return null;
  return { value, end: j };
}

/** Lowercase with punctuation folded to single spaces: how two questions are compared for "the same". */
export function normalizeQuestion(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Stems already computed. The stemmer is a pure function of the token, so sharing them is safe. */
const stems = new Map<string, string>();
/** Enough for every word of the training data and the article several times over. */
const MAX_REMEMBERED_STEMS = 20_000;

/**
 * The Porter stem of a token (natural's stemmer). Remembered: stemming runs a dozen regular expressions and
 * was a fifth of answering time, while questions keep using the same few thousand words.
 */
export function stem(token: string): string {
  let stemmed = stems.get(token);
  if (stemmed === undefined) {
    stemmed = porterStemmer.stem(token);
    // Unbounded input (every distinct typo) must not grow the memory without limit.
    if (stems.size >= MAX_REMEMBERED_STEMS) stems.clear();
    stems.set(token, stemmed);
  }
  return stemmed;
}

/**
 * Words too common to say anything about the intent. Question words (who, what, when, how, many...),
 * pronouns and "can you" are kept on purpose: "who is", "what did she say" and "what can you do" mean
 * different intents.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  'a',
  'an',
  'the',
  'of',
  'to',
  'in',
  'on',
  'at',
  'by',
  'for',
  'from',
  'with',
  'as',
  'and',
  'or',
  'is',
  'are',
  'was',
  'were',
  'be',
  'been',
  'being',
  'am',
  'does',
  'did',
  'has',
  'have',
  'had',
  'this',
  'that',
  'these',
  'those',
  'there',
  'just',
  'so',
  'then',
  'really',
  'actually',
  'um',
  'uh',
  'hmm',
]);

/** Three rows of the distance table, reused by every call (the spelling corrector makes thousands per typo). */
let tableRows = [new Int32Array(32), new Int32Array(32), new Int32Array(32)];

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transpositions), or `max + 1` as soon as
 * the distance is known to exceed `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  if (tableRows[0]!.length <= n) tableRows = [0, 1, 2].map(() => new Int32Array(2 * (n + 1)));
  // Rows i - 2, i - 1 and i of the table.
  let [prevPrev, prev, row] = tableRows as [Int32Array, Int32Array, Int32Array];
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const ai = a.charCodeAt(i - 1);
    row[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const bj = b.charCodeAt(j - 1);
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) {
        d = Math.min(d, prevPrev[j - 2]! + 1);
      }
      row[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    const oldest = prevPrev;
    prevPrev = prev;
    prev = row;
    row = oldest;
  }
  return prev[n]!;
}

/** Added to a candidate's frequency when the typo is its beginning: it wins every tie. */
const PREFIX_BONUS = 1e9;

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
 * names: "then" must not become "Shen"). Results are memoised, so a repeated typo costs one lookup.
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
      if (allowedEdits(length) === 0) continue;
      for (const word of this.byLength.get(length) ?? []) {
        if (this.sameFirstLetter && word[0] !== token[0]) continue;
        // A typo keeps one of its word's first two letters in one of its own first two places ("wehcat",
        // "ewchat", "linkdin"); the few that do not are left alone, and the scan of thousands of words is cheap.
        if (word[0] !== token[0] && word[1] !== token[1] && word[0] !== token[1] && word[1] !== token[0]) continue;
        const distance = editDistance(token, word, Math.min(max, bestDistance));
        if (distance > bestDistance) continue;
        // Ties go to a word the typo begins ("wher" is "where", not "when"), then to the more frequent word.
        const frequency = this.words.get(word)! + (word.startsWith(token) ? PREFIX_BONUS : 0);
        if (distance < bestDistance || (distance === bestDistance && distance <= max && frequency > bestFrequency)) {
          best = word;
          bestDistance = distance;
          bestFrequency = frequency;
        }
      }
    }
    this.remember(token, best);
    return best;
  }

  private remember(token: string, correction: string): void {
    if (this.memo.size > 10_000) this.memo.clear();
    this.memo.set(token, correction);
  }
}

/** Base forms WordNet may list a word under (its "morphy" rules, without the exception lists): the word itself first. */
export function baseForms(word: string): string[] {
  const forms = [word];
  const strip = (suffix: string, replacement: string) => {
    if (word.length > suffix.length + 2 && word.endsWith(suffix))
      forms.push(word.slice(0, -suffix.length) + replacement);
  };
  strip('s', '');
  strip('es', '');
  strip('ies', 'y');
  strip('ed', '');
  strip('ed', 'e');
  strip('ing', '');
  strip('ing', 'e');
  strip('er', '');
  strip('est', '');
  strip('men', 'man');
  return forms;
}

/** Where a message's sentences may end: after "!" or "?", or "." before a capital ("...a good day. I was..."). */
const SENTENCE_END = /(?<=[!?])\s+(?=\S)|(?<=\.)\s+(?=[\p{Lu}\d])/u;
/** What a message of more than one sentence has somewhere: a sentence's end followed by more. */
const MAYBE_SENTENCES = /[.!?]\s+\S/;
/** Words a "." ends without ending the sentence: "vs. Tianji", "the U.S. Market". */
const ABBREVIATIONS: ReadonlySet<string> = new Set([
  'vs',
  'v',
  'mr',
  'mrs',
  'ms',
  'dr',
  'st',
  'no',
  'e.g',
  'i.e',
  'u.s',
  'etc',
  'inc',
  'corp',
  'co',
  'ltd',
]);
/** A message's sentences, not split after an abbreviation. */
export function sentencesOf(message: string): string[] {
  if (!MAYBE_SENTENCES.test(message)) return [message];
  const out: string[] = [];
  for (const piece of message.split(SENTENCE_END)) {
    const last = out.at(-1);
    const word = last?.match(/(\S+)\.$/)?.[1]?.toLowerCase();
    if (last !== undefined && word !== undefined && ABBREVIATIONS.has(word)) out[out.length - 1] = `${last} ${piece}`;
    else out.push(piece);
  }
  return out.map((s) => s.trim()).filter(Boolean);
}

/** Words a question quotes: 'People have two identities' or "a good catalyst" (not the apostrophe of "it's"). */
const QUOTED = /(?:^|\s)["'“‘]([^"“”]+?)["'”’](?=[\s?.!,;:]|$)/;
/** The words a question quotes, 'People have two identities' or "a good catalyst", if it quotes any. */
export function quotedIn(question: string): string | undefined {
  return QUOTED.exec(question)?.[1];
}
