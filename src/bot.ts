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
  const words = { has: (word: string) => dictionary.has(word) || wordnet.properNouns.has(word) };
  return (vocabulary) => ({ words, places: wordnet.places, synonyms: wordnet.synonymsFor(vocabulary) });
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
  const lexicon = english(trainingVocabulary(intents, knowledge));
  const recognizer = Recognizer.train(intents, knowledge, lexicon, options);
  const engine = new Engine({
    knowledge,
    intents,
    recognizer,
    chinese: zh && chineseParts(zh, knowledge, intents, english, options),
  });
  return { knowledge, intents, lexicon, recognizer, engine };
}

/**
 * What Chinese questions are read and answered with. They have a recognizer of their own, trained on the
 * English utterances and the Chinese ones glossed as a question is, so English questions are read exactly as
 * they would be without Chinese.
 */
function chineseParts(
  zh: ChineseStore,
  knowledge: Knowledge,
  intents: readonly Intent[],
  english: (vocabulary: Iterable<string>) => Lexicon,
  options: RecognizerOptions,
): EngineParts['chinese'] {
  const names = new Set(
    [...knowledge.people, ...knowledge.organizations, ...knowledge.places].flatMap((e) =>
      [e.name, ...e.aliases].map((n) => n.toLowerCase().replace(/^the /, '')),
    ),
  );
  const reader = new ChineseReader(zh.gloss, names);
  const both = intents.map((i) => ({
    ...i,
    utterances: [...i.utterances, ...(i.zh?.utterances ?? []).map((u) => reader.gloss(u))],
  }));
  const recognizer = Recognizer.train(both, knowledge, english(trainingVocabulary(both, knowledge)), options);
  return { reader, language: chinese(knowledge, zh), recognizer };
}
