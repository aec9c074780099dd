import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Bot, loadBot } from '../../src/bot.js';
import { PROJECT_ROOT } from '../../src/config.js';
import type { Engine } from '../../src/core/respond.js';
import { type ConversationState, emptyState, type Reply } from '../../src/core/types.js';

let shared: Promise<Bot> | undefined;

/** The bot built from the real data/ and intents/, trained once per test file. */
export function sharedBot(): Promise<Bot> {
  shared ??= loadBot();
  return shared;
}

/** The verbatim article text (data/article.txt). */
export const ARTICLE_TEXT = readFileSync(path.join(PROJECT_ROOT, 'data', 'article.txt'), 'utf8');

/** The article with line breaks as spaces: the copyright notice spans lines but is cited as one sentence. */
export const ARTICLE_FLAT = ARTICLE_TEXT.replace(/\s+/g, ' ');

export { normalizeQuestion } from '../../src/core/text.js';

/** A test fixture parsed from test/fixtures/. */
export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', name), 'utf8')) as T;
}

/** Asks the questions in order in one conversation and returns every reply. */
export function conversation(engine: Engine, questions: readonly string[]): Reply[] {
  let state: ConversationState = emptyState();
  return questions.map((q) => {
    const turn = engine.respond(q, state);
    state = turn.state;
    return turn.reply;
  });
}
