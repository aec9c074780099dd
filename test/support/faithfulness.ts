/** Shared by the faithfulness tests (English and Chinese): templates as patterns, and every reply of a set. */
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config.js';
import type { Engine } from '../../src/core/respond.js';
import { type ConversationState, emptyState, type Reply } from '../../src/core/types.js';
import { loadAnswerSet } from '../../tools/eval/evaluation.js';

/** A template as a regular expression with a named group per slot. */
export function pattern(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\{(\w+)\}/g, '(?<$1>[\\s\\S]*?)')}$`);
}

/** Every reply to the questions of these answer sets (test/fixtures/), conversations turn by turn. */
export async function repliesTo(engine: Engine, names: readonly string[]): Promise<{ q: string; reply: Reply }[]> {
  const out: { q: string; reply: Reply }[] = [];
  for (const name of names) {
    const set = await loadAnswerSet(path.join(PROJECT_ROOT, 'test', 'fixtures', name));
    for (const { q } of [...set.inScope, ...set.outOfScope]) out.push({ q, reply: engine.respond(q).reply });
    for (const c of set.conversations) {
      let state: ConversationState = emptyState();
      for (const { q } of c.turns) {
        const turn = engine.respond(q, state);
        state = turn.state;
        out.push({ q, reply: turn.reply });
      }
    }
  }
  return out;
}
