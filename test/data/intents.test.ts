import { describe, expect, it } from 'vitest';
import { MIN_UTTERANCES } from '../../src/store/intents.js';
import { fixture, normalizeQuestion, sharedBot } from '../support/article.js';

const { knowledge, intents, engine } = await sharedBot();

describe('intents/', () => {
  it('answers every fact and every quote in the article store', () => {
    const facts = new Set(intents.flatMap((i) => i.answer.facts ?? []));
    const quotes = new Set(intents.flatMap((i) => i.answer.quotes ?? []));
    expect(knowledge.facts.map((f) => f.id).filter((id) => !facts.has(id))).toEqual([]);
    expect(knowledge.quotes.map((q) => q.id).filter((id) => !quotes.has(id))).toEqual([]);
  });

  it('has small talk, article-level questions and an out-of-scope intent', () => {
    const names = intents.map((i) => i.intent);
    for (const name of [
      'smalltalk.greeting',
      'smalltalk.help',
      'smalltalk.thanks',
      'smalltalk.goodbye',
      'article.summary',
      'article.quoted',
      'article.companies',
      'article.source',
    ]) {
      expect(names).toContain(name);
    }
    expect(intents.some((i) => i.answer.fallback)).toBe(true);
  });

  it(`gives every intent at least ${MIN_UTTERANCES} utterances, none repeated anywhere`, () => {
    const seen = new Map<string, string>();
    const repeats: string[] = [];
    for (const intent of intents) {
      expect(intent.utterances.length).toBeGreaterThanOrEqual(MIN_UTTERANCES);
      for (const u of intent.utterances) {
        const key = normalizeQuestion(u);
        if (seen.has(key)) repeats.push(`${u} (${seen.get(key)} and ${intent.intent})`);
        seen.set(key, intent.intent);
      }
    }
    expect(repeats).toEqual([]);
  });

  it('gives every intent Chinese utterances, none repeated anywhere', () => {
    const seen = new Map<string, string>();
    const repeats: string[] = [];
    for (const intent of intents) {
      for (const u of intent.zh?.utterances ?? []) {
        const key = normalizeQuestion(u);
        if (seen.has(key)) repeats.push(`${u} (${seen.get(key)} and ${intent.intent})`);
        seen.set(key, intent.intent);
      }
    }
    expect(seen.size).toBeGreaterThan(10 * intents.length);
    expect(repeats).toEqual([]);
  });

  it.each(['heldout.json', 'dev.json', 'heldout-fresh.json', 'dev-fresh.json', 'heldout-zh.json', 'dev-zh.json'])(
    'shares no question with test/fixtures/%s',
    (file) => {
      const utterances = new Set(
        intents.flatMap((i) => [...i.utterances, ...(i.zh?.utterances ?? [])].map(normalizeQuestion)),
      );
      const data = fixture<
        | { q: string }[]
        | { inScope: { q: string }[]; outOfScope: { q: string }[]; conversations: { turns: { q: string }[] }[] }
      >(file);
      const questions = Array.isArray(data)
        ? data.map((x) => x.q)
        : [...data.inScope, ...data.outOfScope, ...data.conversations.flatMap((c) => c.turns)].map((x) => x.q);
      expect(questions.length).toBeGreaterThan(100);
      expect(questions.filter((q) => utterances.has(normalizeQuestion(q)))).toEqual([]);
    },
  );

  it('offers only suggestions that the bot answers from the article', () => {
    const suggestions = [...new Set(intents.flatMap((i) => i.suggestions ?? []))];
    expect(suggestions.length).toBeGreaterThan(10);
    const unanswered = suggestions.filter((s) => {
      const { reply } = engine.respond(s);
      return reply.fallback || reply.intent?.startsWith('smalltalk.');
    });
    expect(unanswered).toEqual([]);
  });
});
