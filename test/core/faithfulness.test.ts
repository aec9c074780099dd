import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { KIND_PHRASES, TEMPLATES } from '../../src/core/answerer.js';
import type { Reply } from '../../src/core/types.js';
import { loadQuestionSet } from '../../tools/eval/evaluation.js';
import { sharedBot } from '../support/article.js';
import { pattern, repliesTo } from '../support/faithfulness.js';

// Every sentence the bot says is a fact's statement, an exact quote, a sentence of the article, an intent's fixed
// text, or one of the fixed templates with names, roles, figures and paragraphs from the store in its slots.
// Checked on every reply to every question of every question set, and to every suggestion.

const { engine, knowledge, intents } = await sharedBot();
const fixtures = path.join(PROJECT_ROOT, 'test', 'fixtures');

const statements = new Map(knowledge.facts.map((f) => [f.statement.replace(/\.$/, ''), f]));
const sources = new Map(knowledge.facts.map((f) => [f.source, f]));
const quotes = new Map(knowledge.quotes.map((q) => [q.text, q]));
const names = new Set([...knowledge.people, ...knowledge.organizations, ...knowledge.places].map((e) => e.name));
const roles = new Set(knowledge.people.map((p) => p.role));
const figures = new Set(knowledge.facts.flatMap((f) => (f.details?.figure ? [f.details.figure] : [])));
const fixedTexts = new Set(intents.flatMap((i) => (i.answer.text ? [i.answer.text] : [])));
const absent = new Set(intents.flatMap((i) => (i.answer.absent ? [i.answer.absent] : [])));
const suggestions = new Set(intents.flatMap((i) => i.suggestions ?? []));
const where = (paragraph: number | null) => (paragraph === null ? 'copyright notice' : `paragraph ${paragraph}`);

const isFactLine = (line: string) => {
  const m = pattern(TEMPLATES.fact).exec(line);
  const fact = m && statements.get(m.groups!.statement!);
  return !!fact && m.groups!.where === where(fact.paragraph);
};

/** Items of a list joined as "a (...); b (...); and c (...)". */
const items = (list: string) => list.split(/(?<=\)); (?:and )?/);

/** Per template, whether its slots hold only what may fill them. */
const SLOTS: Record<keyof typeof TEMPLATES, (g: Record<string, string>) => boolean> = {
  fact: (g) => isFactLine(`${g.statement} (${g.where}).`),
  quote: (g) =>
    quotes.get(g.quote!)?.paragraph === Number(g.where!.replace('paragraph ', '')) &&
    names.has(g.name!) &&
    roles.has(g.role!),
  quoteAgain: (g) => quotes.has(g.quote!) && names.has(g.name!),
  people: (g) =>
    items(g.list!).every((item) =>
      knowledge.people.some((p) => new RegExp(`^${p.name}, ${p.role} \\(paragraph \\d+\\)$`).test(item)),
    ),
  organizations: (g) =>
    items(g.list!).every((item) =>
      knowledge.organizations.some((o) => item.startsWith(`${o.name} (${o.description}; paragraph `)),
    ),
  sentence: (g) => sources.get(g.source!) !== undefined && g.where === where(sources.get(g.source!)!.paragraph),
  copyrightHolder: (g) => names.has(g.name!) && knowledge.source.copyright.includes(g.name!),
  places: (g) =>
    items(g.list!).every((item) => {
      const name = item.replace(/ \(paragraph \d+\)$/, '');
      return name !== item && (names.has(name) || names.has(`the ${name}`));
    }),
  reportedFrom: (g) => sources.has(g.source!) && names.has(g.name!) && roles.has(g.role!),
  attributedTo: (g) => sources.has(g.source!) && names.has(g.name!),
  unattributed: (g) => sources.has(g.source!),
  notSaid: (g) => Object.values(KIND_PHRASES).includes(g.what!),
  notGiven: (g) => ['a figure', 'that'].includes(g.what!) && /^[\p{L}\d .'-]{1,40}$/u.test(g.where!),
  notGivenAt: (g) => absent.has(g.what!),
  whatItSays: (g) => isFactLine(g.fact!),
  comparison: (g) => figures.has(g.a!) && figures.has(g.b!) && names.has(g.nameA!) && names.has(g.nameB!),
  sorry: (g) => g.about === '' || names.has(g.about!.replace(/^ about /, '')),
  youCouldAsk: (g) => {
    const asked = [...g.suggestions!.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
    return (
      asked.length > 0 &&
      asked.every((s) => suggestions.has(s)) &&
      g.suggestions!.replace(/"[^"]+"/g, '').replace(/, | and /g, '') === ''
    );
  },
  whoDoYouMean: (g) => g.names!.split(/, | or /).every((n) => names.has(n)),
  onlyName: (g) => names.has(g.name!),
};

/** Whether one sentence of a reply is allowed, and if not, why. */
function allowed(sentence: string): boolean {
  if (fixedTexts.has(sentence)) return true;
  for (const [key, template] of Object.entries(TEMPLATES) as [keyof typeof TEMPLATES, string][]) {
    const m = pattern(template).exec(sentence);
    if (m && SLOTS[key]({ ...m.groups })) return true;
  }
  return false;
}

/** A reply's sentences: its lines, an apology and its "You could ask" taken apart. */
function sentencesOf(reply: Reply): string[] {
  return reply.text.split('\n').flatMap((line) => line.split(/ (?=You could ask: )/));
}

async function everyReply(): Promise<{ q: string; reply: Reply }[]> {
  const out = await repliesTo(engine, ['heldout-fresh.json', 'dev-fresh.json']);
  for (const name of ['heldout.json', 'dev.json']) {
    for (const { q } of await loadQuestionSet(path.join(fixtures, name), intents))
      out.push({ q, reply: engine.respond(q).reply });
  }
  for (const q of suggestions) out.push({ q, reply: engine.respond(q).reply });
  out.push({ q: '(welcome)', reply: engine.welcome() });
  return out;
}

describe('every sentence of every reply is the article or a fixed template', async () => {
  const replies = await everyReply();

  it('covers well over a thousand replies', () => {
    expect(replies.length).toBeGreaterThan(1200);
  });

  it('says nothing but statements, quotes, sentences of the article and fixed templates', () => {
    const bad = replies.flatMap(({ q, reply }) =>
      sentencesOf(reply)
        .filter((s) => !allowed(s))
        .map((s) => `${q} -> ${s}`),
    );
    expect(bad).toEqual([]);
  });

  it('cites only sentences of the article', () => {
    const article = [...knowledge.paragraphs.map((p) => p.text), knowledge.source.copyright].join(' ');
    const bad = replies.flatMap(({ q, reply }) => reply.sources.filter((s) => !article.includes(s.text)).map(() => q));
    expect(bad).toEqual([]);
  });

  it('rejects a sentence the article does not have, so the check can fail', () => {
    expect(allowed('LinkedIn has more than 400 million members globally (paragraph 2).')).toBe(false);
    expect(allowed('LinkedIn has more than 300 million members globally (paragraph 3).')).toBe(false);
    expect(
      allowed('Derek Shen, president of LinkedIn China, said: "People have three identities." (paragraph 5).'),
    ).toBe(false);
    expect(allowed('The article does not give a figure for Brazil.')).toBe(true);
  });
});
