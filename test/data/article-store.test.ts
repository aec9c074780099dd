import { describe, expect, it } from 'vitest';
import { sharedBot, ARTICLE_TEXT } from '../helpers.js';

const lines = ARTICLE_TEXT.split('\n');
const { knowledge } = await sharedBot();

describe('data/article.json is faithful to data/article.txt', () => {
  it('holds every paragraph verbatim, numbered in order, and the copyright notice', () => {
    const body = lines.slice(0, knowledge.paragraphs.length);
    expect(knowledge.paragraphs.map((p) => p.text)).toEqual(body);
    expect(knowledge.paragraphs.map((p) => p.number)).toEqual(body.map((_, i) => i + 1));
    expect(lines.slice(knowledge.paragraphs.length).join(' ')).toBe(knowledge.source.copyright);
    expect(knowledge.source.copyright).toContain(knowledge.source.name);
  });

  it.each(knowledge.quotes.map((q) => [q.id, q] as const))('quote %s is the exact words between quotation marks', (_id, quote) => {
    const paragraph = knowledge.paragraphs.find((p) => p.number === quote.paragraph)!;
    expect(paragraph.text).toContain(`"${quote.text}`);
    expect(ARTICLE_TEXT).toContain(quote.text);
  });

  it.each(knowledge.facts.map((f) => [f.id, f] as const))('fact %s rests on a verbatim sentence of its paragraph', (_id, fact) => {
    const where = fact.paragraph === null ? knowledge.source.copyright : knowledge.paragraphs[fact.paragraph - 1]!.text;
    expect(where).toContain(fact.source);
  });

  it.each(knowledge.facts.map((f) => [f.id, f] as const))('fact %s states no number its source does not have', (_id, fact) => {
    const numbers = fact.statement.match(/\d[\d,]*/g) ?? [];
    for (const n of numbers) expect(fact.source.replace(/,/g, '')).toContain(n.replace(/,/g, ''));
  });

  it('covers every paragraph with a fact or a quote', () => {
    const covered = new Set([...knowledge.facts.map((f) => f.paragraph), ...knowledge.quotes.map((q) => q.paragraph)]);
    const uncovered = knowledge.paragraphs.filter((p) => !covered.has(p.number)).map((p) => p.number);
    expect(uncovered).toEqual([]);
  });

  it.each([
    '300 million', '500 million', '140 million', '80 percent', '5 million', 'nearly 1 million', '10 million',
    'more than 60 percent', '42 percent', '18 million', '2005', '500,000 per month',
    'January', 'February', 'May', 'July', 'Thursday',
  ])('states the figure "%s" in some fact', (figure) => {
    const statements = knowledge.facts.map((f) => f.statement.toLowerCase());
    expect(statements.some((s) => s.includes(figure.toLowerCase()))).toBe(true);
  });

  it.each(knowledge.people.map((p) => [p.name, p] as const))('%s: name, role and pronoun are as the article has them', (_name, person) => {
    expect(ARTICLE_TEXT).toContain(person.name);
    expect(ARTICLE_TEXT).toContain(person.role);
    const quoted = knowledge.quotes.filter((q) => q.speaker === person.id);
    expect(quoted.length).toBeGreaterThan(0);
    const saidWith = quoted.some((q) => knowledge.paragraphs[q.paragraph - 1]!.text.includes(`${person.pronoun} said`));
    expect(saidWith).toBe(true);
  });

  it('names every organization as the article spells it', () => {
    for (const o of knowledge.organizations) expect(ARTICLE_TEXT).toContain(o.name);
    for (const p of knowledge.places) expect(ARTICLE_TEXT).toContain(p.name.replace(/^the /, ''));
  });
});
