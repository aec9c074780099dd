import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import type { Reply } from '../../src/core/types.js';
import { loadChinese } from '../../src/store/chinese.js';
import { sharedBot } from '../support/article.js';
import { pattern, repliesTo } from '../support/faithfulness.js';

// Every line of every Chinese reply is a fact's Chinese statement, a quote in the article's exact words, its
// translation from the store, an intent's Chinese text, or a Chinese template with the store's names, roles,
// figures and paragraphs in its slots: the Chinese side of test/core/faithfulness.test.ts.

const { engine, knowledge, intents } = await sharedBot();
const zh = await loadChinese(path.join(PROJECT_ROOT, 'data', 'zh.json'), knowledge);
const _fixtures = path.join(PROJECT_ROOT, 'test', 'fixtures');

const where = (paragraph: number | null) => (paragraph === null ? '版权声明' : `第${paragraph}段`);
const statements = new Set(
  knowledge.facts.map((f) => `${zh.facts[f.id]!.statement.replace(/。$/, '')}（${where(f.paragraph)}）`),
);
const factLines = new Set([...statements].map((s) => `${s}。`));
const translations = new Set(Object.values(zh.quotes));
const quotes = new Set(knowledge.quotes.map((q) => q.text));
const sources = new Set(knowledge.facts.map((f) => f.source));
const texts = new Set(intents.flatMap((i) => (i.zh?.text ? [i.zh.text] : [])));
const suggestions = new Set(intents.flatMap((i) => i.zh?.suggestions ?? []));
const figures = new Set(Object.values(zh.facts).flatMap((f) => (f.figure ? [f.figure] : [])));
const names = new Set([
  ...knowledge.people.map((p) => p.name),
  ...Object.values(zh.organizations).map((o) => o.name),
  ...Object.values(zh.places).map((p) => p.name),
]);
const roles = new Set(Object.values(zh.people).map((p) => p.role));

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const isWhere = (w: string) => /^第\d+段$|^版权声明$/.test(w);
const isFactLine = (line: string) => factLines.has(line);

/** Per template (and list item), whether its slots hold only what the store may put there. */
const SLOTS: Record<string, (g: Record<string, string>) => boolean> = {
  fact: (g) => statements.has(`${g.statement}（${g.where}）`),
  quote: (g) => quotes.has(g.quote!) && names.has(g.name!) && roles.has(g.role!) && isWhere(g.where!),
  quoteAgain: (g) => quotes.has(g.quote!) && names.has(g.name!) && isWhere(g.where!),
  sentence: (g) => sources.has(g.source!) && statements.has(`${g.statement}（${g.where}）`),
  reportedFrom: (g) => sources.has(g.source!) && names.has(g.name!) && roles.has(g.role!),
  attributedTo: (g) => sources.has(g.source!) && names.has(g.name!),
  unattributed: (g) => sources.has(g.source!) && isWhere(g.where!),
  notSaid: (g) => Object.values(zh.kindPhrases).includes(g.what!),
  notGiven: (g) => [zh.words.aFigure, zh.words.that].includes(g.what!) && g.where!.length <= 20,
  notGivenAt: (g) => intents.some((i) => i.zh?.absent === g.what),
  whatItSays: (g) => isFactLine(g.fact!),
  comparison: (g) => figures.has(g.a!) && figures.has(g.b!) && names.has(g.nameA!) && names.has(g.nameB!),
  sorry: (g) => g.about === '' || names.has(g.about!.replace(/^（关于(.*)）$/, '$1')),
  youCouldAsk: (g) => {
    const asked = [...g.suggestions!.matchAll(/“([^”]+)”/g)].map((m) => m[1]!);
    return asked.length > 0 && asked.every((s) => suggestions.has(s));
  },
  whoDoYouMean: (g) => g.names!.split(/、|还是/).every((n) => names.has(n)),
  onlyName: (g) => names.has(g.name!),
  people: (g) =>
    g
      .list!.split(/；|和(?=[A-Z])/)
      .every((item) => knowledge.people.some((p) => item.startsWith(`${p.name}（${zh.people[p.id]!.role}，第`))),
  organizations: (g) => {
    // Each item is an organization's name and description with where it is named; nothing else is said.
    let rest = g.list!;
    for (const o of Object.values(zh.organizations)) {
      const item = new RegExp(`${literal(o.name)}（${literal(o.description)}；第\\d+段）`);
      rest = rest.replace(item, '');
    }
    return rest.replace(/[；和]/g, '') === '';
  },
  places: (g) => g.list!.split(/；|和(?=\p{Script=Han})/u).every((item) => names.has(item.replace(/（第\d+段）$/, ''))),
  copyrightHolder: (g) => names.has(g.name!),
};

function allowed(line: string): boolean {
  if (texts.has(line) || isFactLine(line)) return true;
  if (line.startsWith('【') && translations.has(line.replace(/^【[^】]*】/, ''))) return true;
  for (const [key, template] of Object.entries(zh.templates)) {
    const m = pattern(template).exec(line);
    if (m && SLOTS[key]?.({ ...m.groups })) return true;
  }
  return false;
}

/** A reply's lines, a fallback's "你可以问" taken apart from its apology. */
function linesOf(reply: Reply): string[] {
  return reply.text.split('\n').flatMap((line) => line.split(/ (?=你可以问：)/));
}

async function everyChineseReply(): Promise<{ q: string; reply: Reply }[]> {
  const out = await repliesTo(engine, ['heldout-zh.json', 'dev-zh.json']);
  for (const q of suggestions) out.push({ q, reply: engine.respond(q).reply });
  out.push({ q: '(welcome)', reply: engine.welcome('zh') });
  return out;
}

describe('every line of every Chinese reply is the store or a Chinese template', async () => {
  const replies = await everyChineseReply();

  it('answers every Chinese question in Chinese', () => {
    expect(replies.length).toBeGreaterThan(600);
    expect(replies.filter(({ reply }) => reply.lang !== 'zh').map(({ q }) => q)).toEqual([]);
  });

  it('says nothing but Chinese statements, quotes, their translations and fixed templates', () => {
    const bad = replies.flatMap(({ q, reply }) =>
      linesOf(reply)
        .filter((line) => !allowed(line))
        .map((line) => `${q} -> ${line}`),
    );
    expect(bad).toEqual([]);
  });

  it('rejects a line the store does not have, so the check can fail', () => {
    expect(allowed('领英在全球拥有超过3亿会员（第2段）。')).toBe(true);
    expect(allowed('领英在全球拥有超过4亿会员（第2段）。')).toBe(false);
    expect(allowed('领英在全球拥有超过3亿会员（第3段）。')).toBe(false);
    expect(allowed('Derek Shen（领英中国总裁）说："People have three identities."（第5段）')).toBe(false);
    expect(allowed('【中文译文，仅供参考，以上英文为原文】人们有三种身份。')).toBe(false);
  });
});
