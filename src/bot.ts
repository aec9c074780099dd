import path from 'node:path';
import { PROJECT_ROOT } from './config.js';
import { DEFAULT_OPTIONS, Recognizer, trainingVocabulary, type RecognizerOptions } from './core/recognizer.js';
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
 * Loads data/article.json and intents/ from `root` and trains the recognizer. Training takes a fraction
 * of a second, so it happens at every start and a model can never be stale against intents/.
 */
export async function loadBot(root = PROJECT_ROOT, options: RecognizerOptions = DEFAULT_OPTIONS): Promise<Bot> {
  const [knowledge, dictionary, wordnet] = await Promise.all([
    loadKnowledge(path.join(root, 'data', 'article.json')),
    loadDictionary(),
    loadWordNet(),
  ]);
  const intents = await loadIntents(path.join(root, 'intents'), knowledge);
  const lexicon: Lexicon = {
    words: { has: (word) => dictionary.has(word) || wordnet.properNouns.has(word) },
    places: wordnet.places,
    synonyms: wordnet.synonymsFor(trainingVocabulary(intents, knowledge)),
  };
  const recognizer = Recognizer.train(intents, knowledge, lexicon, options);
  return { knowledge, intents, lexicon, recognizer, engine: new Engine({ knowledge, intents, recognizer }) };
}
