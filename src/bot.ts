import path from 'node:path';
import { PROJECT_ROOT } from './config.js';
import { DEFAULT_OPTIONS, Recognizer, type RecognizerOptions, trainingVocabulary } from './core/recognizer.js';
import { Engine } from './core/respond.js';
import type { Intent, Knowledge, Lexicon } from './core/types.js';
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
 * Loads data/article.json and intents/ from `root` and trains the recognizer. Training takes a fraction
 * of a second, so it happens at every start and a model can never be stale against intents/.
 */
export async function loadBot(root = PROJECT_ROOT, options: RecognizerOptions = DEFAULT_OPTIONS): Promise<Bot> {
  const [knowledge, english] = await Promise.all([
    loadKnowledge(path.join(root, 'data', 'article.json')),
    loadEnglish(),
  ]);
  const intents = await loadIntents(path.join(root, 'intents'), knowledge);
  const lexicon = english(trainingVocabulary(intents, knowledge));
  const recognizer = Recognizer.train(intents, knowledge, lexicon, options);
  return { knowledge, intents, lexicon, recognizer, engine: new Engine({ knowledge, intents, recognizer }) };
}
