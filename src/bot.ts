import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './config.js';
import { ChineseReader } from './core/chinese.js';
import { type ChineseStore, chinese } from './core/language.js';
import { DEFAULT_OPTIONS, Recognizer, type RecognizerOptions, trainingVocabulary } from './core/recognizer.js';
import { Engine, type EngineParts } from './core/respond.js';
import type { Intent, Knowledge, Lexicon, WordSet } from './core/types.js';
import { loadChinese } from './store/chinese.js';
import { loadDictionary } from './store/dictionary.js';
import { loadIntents } from './store/intents.js';
import { loadKnowledge } from './store/knowledge.js';
import { type Preparation, type PreparedBot, preparedKey, readPrepared, writePrepared } from './store/prepared.js';
import { loadWordNet } from './store/wordnet.js';

/** The answering side of the bot, ready to use: data loaded and validated, recognizer trained. */
export interface Bot {
  knowledge: Knowledge;
  intents: Intent[];
  /** English words, place names and synonyms, so the recognizer knows a word from a typo and a paraphrase. */
  lexicon: Lexicon;
  recognizer: Recognizer;
  engine: Engine;
  /** Whether the recognizers came from the prepared bot, or why they were trained at start-up. */
  preparation: Preparation;
}

/**
 * The English lexicon for a vocabulary: the dictionary's words, and WordNet's proper nouns, places and the synonyms
 * of the vocabulary's words (what `npm run eval -- --train` trains with).
 */
export async function loadLexicon(vocabulary: Iterable<string>): Promise<Lexicon> {
  const [dictionary, tables] = await Promise.all([loadDictionary(), wordNetTables(vocabulary)]);
  return lexiconOf(dictionary, tables);
}

/**
 * What a lexicon takes from WordNet for a vocabulary, as plain data. WordNet's files (28 MB of text) are read here
 * and nothing made from them keeps them: the synonyms' lemmas are strings of their own (see `wordnet.ts`).
 */
async function wordNetTables(vocabulary: Iterable<string>): Promise<PreparedBot['lexicon']> {
  const wordnet = await loadWordNet();
  return {
    properNouns: [...wordnet.properNouns],
    places: [...wordnet.places],
    synonyms: [...wordnet.synonymsFor(vocabulary)],
  };
}

/**
 * The trained bot `npm run build` writes beside the compiled code (dist/prepared-bot.json), for {@link loadBot} to
 * start from instead of loading WordNet and training.
 */
export const PREPARED_FILE = path.join(import.meta.dirname, 'prepared-bot.json');

/** What one article's bot is made from: its data and intents, validated. */
interface Article {
  knowledge: Knowledge;
  intents: Intent[];
  zh: ChineseStore | undefined;
}

/**
 * Loads data/article.json, data/zh.json (when there is one) and intents/ from `root`, and the recognizers: from
 * `preparedFile` when it was made from exactly this article, code and options (see {@link preparedKey}), otherwise
 * trained here, which takes about a second longer. Either way the recognizers are the same.
 */
export async function loadBot(
  root = PROJECT_ROOT,
  options: RecognizerOptions = DEFAULT_OPTIONS,
  preparedFile = PREPARED_FILE,
): Promise<Bot> {
  const [article, dictionary, found] = await Promise.all([
    loadArticle(root),
    loadDictionary(),
    readPrepared(preparedFile, preparedKey(root, import.meta.dirname, options)),
  ]);
  const prepared = found.bot ?? (await learn(article, dictionary, options, ''));
  return { ...assemble(article, prepared, dictionary, options), preparation: found.preparation };
}

/** Trains the bot of the article at `root` and writes it to `file`, for {@link loadBot} to start from. */
export async function writePreparedBot(root = PROJECT_ROOT, file = PREPARED_FILE): Promise<void> {
  const key = preparedKey(root, import.meta.dirname, DEFAULT_OPTIONS);
  const [article, dictionary] = await Promise.all([loadArticle(root), loadDictionary()]);
  await writePrepared(file, await learn(article, dictionary, DEFAULT_OPTIONS, key));
}

async function loadArticle(root: string): Promise<Article> {
  const knowledge = await loadKnowledge(path.join(root, 'data', 'article.json'));
  // An article without data/zh.json is answered in English only.
  const zhFile = path.join(root, 'data', 'zh.json');
  const [intents, zh] = await Promise.all([
    loadIntents(path.join(root, 'intents'), knowledge),
    existsSync(zhFile) ? loadChinese(zhFile, knowledge) : undefined,
  ]);
  return { knowledge, intents, zh };
}

/** Reads WordNet and trains the recognizers: what a prepared bot holds. */
async function learn(
  { knowledge, intents, zh }: Article,
  dictionary: WordSet,
  options: RecognizerOptions,
  key: string,
): Promise<PreparedBot> {
  const reader = zh && chineseReader(zh, knowledge);
  // Chinese utterances are trained on as a Chinese question is read: glossed into the words the core reads.
  const both = intents.map((i) => ({
    ...i,
    utterances: [...i.utterances, ...(reader ? (i.zh?.utterances ?? []).map((u) => reader.gloss(u)) : [])],
  }));
  // One lexicon for both recognizers: WordNet's synonyms of every word either is trained on (each keeps only
  // those of its own vocabulary).
  const tables = await wordNetTables(trainingVocabulary(both, knowledge));
  const lexicon = lexiconOf(dictionary, tables);
  return {
    key,
    lexicon: tables,
    english: Recognizer.learn(intents, knowledge, lexicon, options),
    // Chinese questions have a recognizer of their own, trained on the English utterances and the glossed Chinese
    // ones, so English questions are read exactly as they would be without Chinese.
    chinese: reader ? Recognizer.learn(both, knowledge, lexicon, options) : undefined,
  };
}

/** The bot of an article and its prepared recognizers. */
function assemble(
  { knowledge, intents, zh }: Article,
  prepared: PreparedBot,
  dictionary: WordSet,
  options: RecognizerOptions,
): Omit<Bot, 'preparation'> {
  const lexicon = lexiconOf(dictionary, prepared.lexicon);
  const recognizer = Recognizer.fromModel(prepared.english, knowledge, lexicon, options);
  const model = prepared.chinese;
  let zhRecognizer: Recognizer | undefined;
  const chineseParts: EngineParts['chinese'] =
    zh && model
      ? {
          reader: chineseReader(zh, knowledge),
          language: chinese(knowledge, zh),
          // Made for the first question in Chinese (about 70 ms, once), not at every start.
          get recognizer() {
            zhRecognizer ??= Recognizer.fromModel(model, knowledge, lexicon, options);
            return zhRecognizer;
          },
        }
      : undefined;
  const engine = new Engine({ knowledge, intents, recognizer, chinese: chineseParts });
  return { knowledge, intents, lexicon, recognizer, engine };
}

function lexiconOf(dictionary: WordSet, tables: PreparedBot['lexicon']): Lexicon {
  const properNouns = new Set(tables.properNouns);
  return {
    words: { has: (word) => dictionary.has(word) || properNouns.has(word) },
    places: new Set(tables.places),
    synonyms: new Map(tables.synonyms),
  };
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
