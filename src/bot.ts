import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './config.js';
import { ChineseReader } from './core/chinese.js';
import { type ChineseStore, chinese } from './core/language.js';
import { DEFAULT_OPTIONS, Recognizer, type RecognizerOptions, trainingVocabulary } from './core/recognizer.js';
import { Engine, type EngineParts } from './core/respond.js';
import type { Intent, Knowledge, Lexicon } from './core/types.js';
import { loadChinese } from './store/chinese.js';
import { loadDictionary } from './store/dictionary.js';
import { loadIntents } from './store/intents.js';
import { loadKnowledge } from './store/knowledge.js';
import { loadWordNet } from './store/wordnet.js';

/** The answering side of the bot, ready to use: data loaded and validated, recognizer trained. */
export interface Bot {
  knowledge: Knowledge;
  intents: Intent[];
  /** English words, place names and synonyms, so the recognizer knows a word from a typo and a paraphrase. */
  lexicon: Lexicon;
  recognizer: Recognizer;
  engine: Engine;
}

/**
 * The English dictionary and WordNet, read once; the lexicon for a vocabulary (WordNet's synonyms are looked up
 * for the words the bot is trained on).
 */
export async function loadEnglish(): Promise<(vocabulary: Iterable<string>) => Lexicon> {
  const [dictionary, wordnet] = await Promise.all([loadDictionary(), loadWordNet()]);
  const words = knownWords(dictionary, wordnet.properNouns);
  return (vocabulary) => ({ words, places: wordnet.places, synonyms: wordnet.synonymsFor(vocabulary) });
}

/**
 * The words the lexicon knows, made in a scope of its own: a closure made beside `wordnet.synonymsFor` would share
 * its context and keep WordNet's files (28 MB of text, needed only while synonyms are looked up) alive with it.
 */
function knownWords(dictionary: { has(word: string): boolean }, properNouns: ReadonlySet<string>): Lexicon['words'] {
  return { has: (word) => dictionary.has(word) || properNouns.has(word) };
}

/**
 * Loads data/article.json, data/zh.json (when there is one) and intents/ from `root` and trains the
 * recognizers. Training takes a fraction of a second, so it happens at every start and a model can never be
 * stale against intents/.
 */
export async function loadBot(root = PROJECT_ROOT, options: RecognizerOptions = DEFAULT_OPTIONS): Promise<Bot> {
  const [knowledge, english] = await Promise.all([
    loadKnowledge(path.join(root, 'data', 'article.json')),
    loadEnglish(),
  ]);
  // An article without data/zh.json is answered in English only.
  const zhFile = path.join(root, 'data', 'zh.json');
  const [intents, zh] = await Promise.all([
    loadIntents(path.join(root, 'intents'), knowledge),
    existsSync(zhFile) ? loadChinese(zhFile, knowledge) : undefined,
  ]);
  const reader = zh && chineseReader(zh, knowledge);
  // Chinese utterances are trained on as a Chinese question is read: glossed into the words the core reads.
  const both = intents.map((i) => ({
    ...i,
    utterances: [...i.utterances, ...(reader ? (i.zh?.utterances ?? []).map((u) => reader.gloss(u)) : [])],
  }));
  // One lexicon for both recognizers: WordNet's synonyms of every word either is trained on (each keeps only
  // those of its own vocabulary).
  const lexicon = english(trainingVocabulary(both, knowledge));
  const recognizer = Recognizer.train(intents, knowledge, lexicon, options);
  // Chinese questions have a recognizer of their own, trained on the English utterances and the glossed Chinese
  // ones, so English questions are read exactly as they would be without Chinese.
  const chineseParts: EngineParts['chinese'] =
    zh && reader
      ? { reader, language: chinese(knowledge, zh), recognizer: Recognizer.train(both, knowledge, lexicon, options) }
      : undefined;
  const engine = new Engine({ knowledge, intents, recognizer, chinese: chineseParts });
  return { knowledge, intents, lexicon, recognizer, engine };
}

/** The reader of Chinese questions: the article's Chinese vocabulary, and its names for sound-alikes. */
function chineseReader(zh: ChineseStore, knowledge: Knowledge): ChineseReader {
  const names = new Set(
    [...knowledge.people, ...knowledge.organizations, ...knowledge.places].flatMap((e) =>
      [e.name, ...e.aliases].map((n) => n.toLowerCase().replace(/^the /, '')),
    ),
  );
  return new ChineseReader(zh.gloss, names, zh.choosing);
}
