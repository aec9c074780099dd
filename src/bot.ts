import path from 'node:path';
import { PROJECT_ROOT } from './config.js';
import { DEFAULT_OPTIONS, Recognizer, type RecognizerOptions } from './core/recognizer.js';
import { Engine } from './core/respond.js';
import type { Intent, Knowledge, WordSet } from './core/types.js';
import { loadDictionary } from './store/dictionary.js';
import { loadIntents } from './store/intents.js';
import { loadKnowledge } from './store/knowledge.js';

/** The answering side of the bot, ready to use: data loaded and validated, recognizer trained. */
export interface Bot {
  knowledge: Knowledge;
  intents: Intent[];
  /** English words, so the spelling corrector knows a word from a typo. */
  dictionary: WordSet;
  recognizer: Recognizer;
  engine: Engine;
}

/**
 * Loads data/article.json and intents/ from `root` and trains the recognizer. Training takes a fraction
 * of a second, so it happens at every start and a model can never be stale against intents/.
 */
export async function loadBot(root = PROJECT_ROOT, options: RecognizerOptions = DEFAULT_OPTIONS): Promise<Bot> {
  const [knowledge, dictionary] = await Promise.all([
    loadKnowledge(path.join(root, 'data', 'article.json')),
    loadDictionary(),
  ]);
  const intents = await loadIntents(path.join(root, 'intents'), knowledge);
  const recognizer = Recognizer.train(intents, knowledge, dictionary, options);
  return { knowledge, intents, dictionary, recognizer, engine: new Engine({ knowledge, intents, recognizer }) };
}
