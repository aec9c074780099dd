import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bot, loadBot, writePreparedBot } from '../src/bot.js';
import { PROJECT_ROOT } from '../src/config.js';
import { DEFAULT_OPTIONS } from '../src/core/recognizer.js';
import { emptyState } from '../src/core/types.js';
import { fixture } from './support/article.js';

interface HeldOut {
  inScope: { q: string }[];
  outOfScope: { q: string }[];
}

const SECOND_ARTICLE = path.join(PROJECT_ROOT, 'test', 'fixtures', 'second-article');

let dir: string;
let file: string;
let trained: Bot;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'prepared-bot-'));
  file = path.join(dir, 'prepared-bot.json');
  await writePreparedBot(PROJECT_ROOT, file);
  trained = await loadBot(PROJECT_ROOT, DEFAULT_OPTIONS, path.join(dir, 'none.json'));
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the project's article (data/ and intents/) in a folder of its own. */
function copyOfArticle(): string {
  const copy = mkdtempSync(path.join(dir, 'article-'));
  cpSync(path.join(PROJECT_ROOT, 'data'), path.join(copy, 'data'), { recursive: true });
  cpSync(path.join(PROJECT_ROOT, 'intents'), path.join(copy, 'intents'), { recursive: true });
  return copy;
}

describe('the prepared bot (npm run build writes it; a start reads it instead of training)', () => {
  it('answers every held-out question, English and Chinese, exactly as the bot trained at start-up', async () => {
    const prepared = await loadBot(PROJECT_ROOT, DEFAULT_OPTIONS, file);
    expect(trained.preparation).toBe('missing');
    expect(prepared.preparation).toBe('used');
    const questions = [fixture<HeldOut>('heldout-fresh.json'), fixture<HeldOut>('heldout-zh.json')].flatMap((set) =>
      [...set.inScope, ...set.outOfScope].map((item) => item.q),
    );
    expect(questions.length).toBeGreaterThan(400);
    for (const q of questions) {
      // The scores of every intent, not only the one chosen, and the whole reply.
      expect(prepared.recognizer.recognize(q).ranking, q).toEqual(trained.recognizer.recognize(q).ranking);
      expect(prepared.engine.respond(q, emptyState()), q).toEqual(trained.engine.respond(q, emptyState()));
    }
    expect(prepared.lexicon.synonyms).toEqual(trained.lexicon.synonyms);
  });

  it('is used for a copy of the same article, and not once an intent changes', async () => {
    const copy = copyOfArticle();
    expect((await loadBot(copy, DEFAULT_OPTIONS, file)).preparation).toBe('used');
    const intentFile = path.join(copy, 'intents', 'wechat.users.json');
    const intent = JSON.parse(readFileSync(intentFile, 'utf8')) as { utterances: string[] };
    intent.utterances.push('how many wechat zorbquux are there');
    writeFileSync(intentFile, JSON.stringify(intent));
    const changed = await loadBot(copy, DEFAULT_OPTIONS, file);
    expect(changed.preparation).toBe('stale');
    expect(changed.recognizer.featureCount).toBeGreaterThan(trained.recognizer.featureCount);
  });

  it('is not used for another article, which is trained and answered as its own', async () => {
    const other = await loadBot(SECOND_ARTICLE, DEFAULT_OPTIONS, file);
    expect(other.preparation).toBe('stale');
    expect(other.engine.respond('Who donated the seeds?', emptyState()).reply.text).toContain('Millbrook Garden Club');
  });

  it('is not used with other options', async () => {
    const options = { ...DEFAULT_OPTIONS, smoothing: 0.5 };
    expect((await loadBot(PROJECT_ROOT, options, file)).preparation).toBe('stale');
  });

  it('is trained around when the file is damaged', async () => {
    const text = readFileSync(file, 'utf8');
    for (const damaged of [text.slice(0, text.length / 2), 'null', '{"key": 1}']) {
      const broken = path.join(dir, 'broken.json');
      writeFileSync(broken, damaged);
      const bot = await loadBot(PROJECT_ROOT, DEFAULT_OPTIONS, broken);
      expect(bot.preparation).toBe('unreadable');
      expect(bot.engine.respond('How many users does WeChat have?', emptyState()).reply.text).toContain('500 million');
    }
  });
});
