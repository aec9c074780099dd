/**
 * Reading a question in Chinese. The question is cut into words, and each word the article's Chinese
 * vocabulary knows (data/zh.json) is glossed into the English words the rest of the core reads: "天际网成立于
 * 哪一年" becomes "which year tianji founded in", so the kind of answer asked, the names, the pronouns and "那天际网呢"
 * ("and tianji") are read by the same steps as an English question. Words the vocabulary lacks stay Chinese:
 * the recognizer has been trained on Chinese utterances glossed the same way, and reads their characters.
 */

import { createRequire } from 'node:module';
import type * as PinyinPro from 'pinyin-pro';
import { MONTHS } from './question.js';

/** Han characters: a question with any is read as Chinese. */
const HAN = /\p{Script=Han}/u;

/** English words that ask a question: a glossed question word goes first, where English puts it. */
const QUESTION_WORDS = new Set(['what', 'when', 'where', 'who', 'which', 'how', 'why', 'whose', 'whether']);

/** Most words a question may have beside its question words for "it" to stand in for what it leaves out. */
const LEFT_OUT = 2;

/** Words that name what a question is about by pointing: a question with one names its subject. */
const POINTING = new Set([
  'he',
  'she',
  'it',
  'they',
  'his',
  'her',
  'its',
  'their',
  'this',
  'that',
  'these',
  'those',
  'him',
  'them',
]);

/** Question words that ask which of a noun: the noun after them goes to the front with them. */
const DETERMINERS = new Set(['which', 'what', 'what kind', 'how many', 'which two']);

function isQuestionWord(english: string): boolean {
  return QUESTION_WORDS.has(english.split(' ')[0]!);
}

/** A term that only glosses at the start of a question is written with this mark before it ("^那" = "and"). */
const AT_START = '^';

/** Chinese numerals, for figures written in characters ("三亿", "十八"). */
const DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const SMALL_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** Whether a question is to be read and answered in Chinese: it has a Han character. */
export function isChinese(text: string): boolean {
  return HAN.test(text);
}

/** Reads Chinese questions with a vocabulary of Chinese terms and their English glosses. */
export class ChineseReader {
  private readonly terms: ReadonlyMap<string, string>;
  private readonly initial: ReadonlyMap<string, string>;
  private readonly longest: number;
  /** Made with the first question it cuts: ICU's Chinese dictionary takes a while to load. */
  private segmenterMade?: Intl.Segmenter;
  private readonly memo = new Map<string, string>();
  private readonly names: ReadonlySet<string>;
  private readonly choosing: ReadonlySet<string>;

  /** `gloss`: Chinese term -> English words ("" drops the term); a term marked "^" applies at the start only. */
  /**
   * `names`: the English names the article's entities go by (lowercase): a term glossed to one of them is
   * also found when typed with a near sound-alike ("领音" for 领英), as pinyin input methods mistype it.
   */
  constructor(
    gloss: Readonly<Record<string, string>>,
    names: ReadonlySet<string> = new Set(),
    /** Question words that ask which of the things named ("哪个", "谁"): "和" before them offers a choice. */
    choosing: Iterable<string> = [],
  ) {
    this.choosing = new Set(choosing);
    const terms = new Map<string, string>();
    const initial = new Map<string, string>();
    for (const [term, english] of Object.entries(gloss)) {
      const key = term.normalize('NFKC').toLowerCase();
      if (key.startsWith(AT_START)) initial.set(key.slice(1), english);
      else terms.set(key, english);
    }
    this.terms = terms;
    this.initial = initial;
    this.names = names;
    this.longest = Math.max(1, ...[...terms.keys(), ...initial.keys()].map((t) => t.length));
  }

  private get segmenter(): Intl.Segmenter {
    this.segmenterMade ??= new Intl.Segmenter('zh', { granularity: 'word' });
    return this.segmenterMade;
  }

  /**
   * The terms indexed by sound, made when a question first needs them (reading every term's pinyin is most of
   * what making a reader costs). Terms of two characters or more by their sound: any such term by its exact
   * toneless pinyin, a name (or a term of three characters or more) also by its near sound, with the sounds input
   * methods confuse as one.
   */
  private get sounds(): Sounds {
    if (this.soundsMade) return this.soundsMade;
    const sounds: Sounds = { like: new Map(), near: new Map(), openings: new Map() };
    for (const [term, english] of this.terms) {
      if (term.length < 2 || !/^\p{Script=Han}+$/u.test(term)) continue;
      // A term's reading in context: 长 in 增长 is zhang, though alone it is read chang.
      const syllables = termSyllables(term);
      if (!sounds.like.has(syllables.join(' '))) sounds.like.set(syllables.join(' '), term);
      const opening = nearSound(syllables[0]!);
      sounds.openings.set(opening, Math.max(sounds.openings.get(opening) ?? 0, term.length));
      const near = syllables.map(nearSound).join(' ');
      if ((this.names.has(english) || term.length >= 3) && !sounds.near.has(near)) sounds.near.set(near, term);
    }
    this.soundsMade = sounds;
    return sounds;
  }

  /** Whether glossed words name one of the article's entities or point at one ("she", "this"). */
  private namesOrPoints(words: string): boolean {
    return words.split(' ').some((w) => POINTING.has(w)) || this.names.has(words);
  }

  private soundsMade?: Sounds;

  /**
   * The terms that spans of a run sound like ("领音" -> 领英, "天记网" -> 天际网): per start, per end, the term. Keys
   * grow a syllable at a time from each start that opens some term's sound.
   */
  private soundAlikes(run: string): Map<number, Map<number, string>> {
    const found = new Map<number, Map<number, string>>();
    const { like, near: nearTerms, openings } = this.sounds;
    const sounds = [...run].map(syllable);
    const near = sounds.map(nearSound);
    for (let from = 0; from < run.length - 1; from++) {
      const longest = openings.get(near[from]!);
      if (longest === undefined) continue;
      let exact = sounds[from]!;
      let close = near[from]!;
      for (let to = from + 2; to <= Math.min(run.length, from + longest); to++) {
        exact += ` ${sounds[to - 1]}`;
        close += ` ${near[to - 1]}`;
        const term = like.get(exact) ?? nearTerms.get(close);
        if (!term) continue;
        const ends = found.get(from) ?? new Map<number, string>();
        ends.set(to, term);
        found.set(from, ends);
      }
    }
    return found;
  }

  /** The Chinese words of a text: the vocabulary's terms (longest first), the rest as the segmenter cuts them. */
  segment(text: string): string[] {
    return this.pieces(normalize(text)).map((p) => p.text);
  }

  /**
   * The question in the English words the core reads: terms glossed, figures as the article writes them
   * ("3亿" -> "300 million"), question words first, other Chinese words kept, punctuation as in English.
   */
  gloss(text: string): string {
    let glossed = this.memo.get(text);
    if (glossed === undefined) {
      glossed = this.glossOnce(text);
      if (this.memo.size >= 10_000) this.memo.clear();
      this.memo.set(text, glossed);
    }
    return glossed;
  }

  private glossOnce(text: string): string {
    const sentences: string[] = [];
    // Each sentence keeps its own order: the question words of one go to the front of that one.
    for (const sentence of normalize(text).split(/(?<=[?!;]|\.(?!\d))/)) {
      const asking: string[] = [];
      const rest: string[] = [];
      const pieces = this.pieces(sentence).filter((p) => p.english !== '');
      for (let i = 0; i < pieces.length; i++) {
        const { english, text } = pieces[i]!;
        if (english === undefined || !QUESTION_WORDS.has(english.split(' ')[0]!)) {
          rest.push(english ?? text);
          continue;
        }
        // "哪个大学", "什么新服务": a question word that stands before a noun takes the noun with it, as English
        // does ("which university"); one that ends the phrase ("是谁", "多少") goes alone.
        const next = pieces[i + 1];
        // After "天际网和领英", 哪个 is "which of them": the noun after it is what they are compared by.
        const choice = this.choosing.has(text) && rest.includes('and');
        if (
          !choice &&
          DETERMINERS.has(english) &&
          next?.english &&
          /^\p{L}/u.test(next.english) &&
          !isQuestionWord(next.english)
        ) {
          asking.push(`${english} ${next.english}`);
          i++;
        } else asking.push(english);
      }
      // Chinese leaves out what a conversation is about: "具体是哪几所大学？" asks which universities *it* is. A
      // question that asks something in a word or two and names nothing is read as asking of "it".
      const words = rest.filter((w) => /^\p{L}/u.test(w));
      if (asking.length > 0 && words.length <= LEFT_OUT && !rest.some((w) => this.namesOrPoints(w))) {
        const end = /^[?!.,;]$/.test(rest.at(-1) ?? '') ? rest.length - 1 : rest.length;
        rest.splice(end, 0, 'it');
      }
      // "天际网和领英哪个用户多": asked which of them, "和" offers a choice, as English "or" does ("哪天" asks a day).
      const choosing = pieces.some((p) => this.choosing.has(p.text));
      const and = rest.indexOf('and');
      if (choosing && and > 0) rest[and] = 'or';
      const joined = [...asking, ...rest].join(' ').replace(/\s+([?!.,;])/g, '$1');
      if (joined.trim()) sentences.push(joined.trim());
    }
    return sentences.join(' ');
  }

  /** The text cut into pieces: glossed terms, Latin words and figures, punctuation, other Chinese words. */
  private pieces(text: string): Piece[] {
    const out: Piece[] = [];
    for (const run of figures(text).match(/[\p{Script=Han}]+|[^\p{Script=Han}]+/gu) ?? []) {
      if (!HAN.test(run)) {
        for (const word of run.match(/[\p{L}\p{N}%]+(?:\.[\p{L}\p{N}]+)*|[?!.,;]/gu) ?? []) {
          const english = this.terms.get(word);
          out.push(english === undefined ? { text: word } : { text: word, english });
        }
        continue;
      }
      this.cutHan(run, out);
    }
    return out;
  }

  /**
   * A run of Han characters, cut into the vocabulary's terms so that as few pieces as possible are left that it
   * does not know, then as few as possible in all ("在哪个城市" is 在|哪个城市, not 在哪|个|城市); what no term
   * covers is cut by the segmenter.
   */
  private cutHan(run: string, out: Piece[]): void {
    const atStart = out.length === 0;
    const known = (from: number, to: number) => {
      const candidate = run.slice(from, to);
      return this.terms.has(candidate) || (atStart && from === 0 && this.initial.has(candidate));
    };
    const alike = this.soundAlikes(run);
    // best[i]: the cost of the best cut of run[0, i), where its last piece starts, and the term it is (if any).
    const best: { cost: number; from: number; term?: string }[] = [{ cost: 0, from: 0 }];
    for (let i = 1; i <= run.length; i++) {
      best[i] = { cost: best[i - 1]!.cost + UNKNOWN_COST, from: i - 1 };
      for (let from = Math.max(0, i - this.longest); from < i; from++) {
        const before = best[from]!.cost;
        if (before + 1 < best[i]!.cost && known(from, i))
          best[i] = { cost: before + 1, from, term: run.slice(from, i) };
        else {
          // A sound-alike of n characters costs a little less than n known terms: it stands in for characters
          // no term covers, never for words spelled right ("涨多少" is rose how much, not 占多少).
          const cost = before + i - from - SOUND_ALIKE_DISCOUNT;
          const term = cost < best[i]!.cost ? alike.get(from)?.get(i) : undefined;
          if (term) best[i] = { cost, from, term };
        }
      }
    }
    const pieces: Piece[] = [];
    let unknownEnd = -1;
    const flush = (start: number) => {
      if (unknownEnd < 0) return;
      const segments = [...this.segmenter.segment(run.slice(start, unknownEnd))].map((s) => ({ text: s.segment }));
      pieces.push(...segments.reverse());
      unknownEnd = -1;
    };
    let i = run.length;
    while (i > 0) {
      const { from, term } = best[i]!;
      if (term) {
        flush(i);
        const initial = atStart && from === 0 ? this.initial.get(term) : undefined;
        pieces.push({ text: term, english: initial ?? this.terms.get(term) });
      } else if (unknownEnd < 0) unknownEnd = i;
      i = from;
    }
    flush(0);
    out.push(...pieces.reverse());
  }
}

/** What a character no term covers costs a cut, against 1 for a term: two known terms beat one and a stray. */
const UNKNOWN_COST = 1.6;
/** What a term found by its sound saves against its characters cut as known terms (see {@link UNKNOWN_COST}). */
const SOUND_ALIKE_DISCOUNT = 0.7;

/** Terms by sound: see {@link ChineseReader.sounds}. */
interface Sounds {
  /** Terms by the pinyin of their characters ("ling ying"). */
  like: Map<string, string>;
  /** Terms by their near sound ("lin yin"). */
  near: Map<string, string>;
  /**
   * The near sound of the first syllable of every term indexed by sound, with the longest such term: most spans
   * start with none of them, and none is matched longer than its longest term.
   */
  openings: Map<string, number>;
}

let pinyinLoaded: typeof PinyinPro | undefined;

/**
 * pinyin-pro, loaded when a question first needs a sound: loading it takes about 80 ms, which a start need not
 * wait for (nor a bot that is never asked in Chinese).
 */
function pinyinPro(): typeof PinyinPro {
  pinyinLoaded ??= createRequire(import.meta.url)('pinyin-pro') as typeof PinyinPro;
  return pinyinLoaded;
}

const syllables = new Map<string, string>();

/** A Han character's toneless pinyin ("领" -> "ling"), remembered. */
function syllable(char: string): string {
  let sound = syllables.get(char);
  if (sound === undefined) {
    sound = pinyinPro().pinyin(char, { toneType: 'none' });
    syllables.set(char, sound);
  }
  return sound;
}

/** A term's toneless pinyin, each character read as in the term ("增长" -> zeng zhang). */
function termSyllables(term: string): string[] {
  const read = pinyinPro().pinyin(term, { toneType: 'none', type: 'array' });
  return read.length === term.length ? read : [...term].map(syllable);
}

const nearSounds = new Map<string, string>();

/** A syllable with the sounds pinyin input confuses made one: zh/z, ch/c, sh/s, ing/in, eng/en, ang/an. */
function nearSound(sound: string): string {
  let near = nearSounds.get(sound);
  if (near === undefined) {
    near = sound.replace(/^([zcs])h/, '$1').replace(/(i|e|a)ng$/, '$1n');
    nearSounds.set(sound, near);
  }
  return near;
}

/** A piece of a question: its text, and its English when the vocabulary glosses it. */
interface Piece {
  text: string;
  english?: string;
}

/** Full-width forms as ASCII ("？" -> "?"), Chinese full stops and list commas as English ones. */
function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/。/g, '.')
    .replace(/[、，]/g, ',');
}

const CHINESE_NUMBER = '[零〇一二两三四五六七八九十百千]+';

/**
 * Figures as the article writes them, before the text is cut: "3亿" and "三亿" -> "300 million", "500万" ->
 * "5 million", "1.4亿" -> "140 million", "百分之八十" -> "80 percent", "2005年" -> "2005", "2月" -> "february",
 * "6个月" -> "6 months". Characters count as a figure only before 万 or 亿 or after 百分之: "一下" is no number.
 */
function figures(text: string): string {
  if (!/[\d零〇一二两三四五六七八九十百千万亿]/u.test(text)) return text;
  return text
    .replace(/(\d+(?:\.\d+)?)\s*([万亿])/gu, (_, n: string, unit: string) => ` ${english(Number(n) * scale(unit))} `)
    .replace(new RegExp(`(${CHINESE_NUMBER})([万亿])`, 'gu'), (whole, n: string, unit: string) => {
      const value = characters(n);
      return value === null ? whole : ` ${english(value * scale(unit))} `;
    })
    .replace(new RegExp(`百分之(\\d+(?:\\.\\d+)?|${CHINESE_NUMBER})`, 'gu'), (whole, n: string) => {
      const value = /\d/.test(n) ? Number(n) : characters(n);
      return value === null ? whole : ` ${value} percent `;
    })
    .replace(/((?:19|20)\d\d)\s*年/gu, ' $1 ')
    .replace(/(\d+)\s*个月/gu, ' $1 months ')
    .replace(/(?<![\d.])(\d{1,2})\s*月份?/gu, (whole, n: string) => {
      const month = MONTHS[Number(n) - 1];
      return month ? ` ${month} ` : whole;
    });
}

function scale(unit: string): number {
  return unit === '亿' ? 1e8 : 1e4;
}

/** "十八" -> 18, "三百" -> 300, "八十" -> 80, "二〇〇五" -> 2005; null when the characters make no number. */
function characters(text: string): number | null {
  if (![...text].some((c) => c in SMALL_UNITS)) {
    // Digit by digit, as years are written.
    return Number([...text].map((c) => DIGITS[c]).join(''));
  }
  let total = 0;
  let digit = 0;
  for (const c of text) {
    if (c in DIGITS) digit = DIGITS[c]!;
    else {
      total += (digit || 1) * SMALL_UNITS[c]!;
      digit = 0;
    }
  }
  return total + digit;
}

/** A value as the article writes figures: "300 million", "1 million", "500000", "80". */
function english(value: number): string {
  if (value >= 1e6) return `${Number((value / 1e6).toFixed(2))} million`;
  return String(Number(value.toFixed(2)));
}
