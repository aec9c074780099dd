import { describe, expect, it } from 'vitest';
import { ARTICLE_TEXT, sharedBot } from '../support/article.js';

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

  it.each(knowledge.quotes.map((q) => [q.id, q] as const))(
    'quote %s is the exact words between quotation marks',
    (_id, quote) => {
      const paragraph = knowledge.paragraphs.find((p) => p.number === quote.paragraph)!;
      expect(paragraph.text).toContain(`"${quote.text}`);
      expect(ARTICLE_TEXT).toContain(quote.text);
    },
  );

  it.each(knowledge.facts.map((f) => [f.id, f] as const))(
    'fact %s rests on a verbatim sentence of its paragraph',
    (_id, fact) => {
      const where =
        fact.paragraph === null ? knowledge.source.copyright : knowledge.paragraphs[fact.paragraph - 1]!.text;
      expect(where).toContain(fact.source);
    },
  );

  it.each(knowledge.facts.map((f) => [f.id, f] as const))(
    'fact %s states no number its source does not have',
    (_id, fact) => {
      const numbers = fact.statement.match(/\d[\d,]*/g) ?? [];
      for (const n of numbers) expect(fact.source.replace(/,/g, '')).toContain(n.replace(/,/g, ''));
    },
  );

  it('covers every paragraph with a fact or a quote', () => {
    const covered = new Set([...knowledge.facts.map((f) => f.paragraph), ...knowledge.quotes.map((q) => q.paragraph)]);
    const uncovered = knowledge.paragraphs.filter((p) => !covered.has(p.number)).map((p) => p.number);
    expect(uncovered).toEqual([]);
  });

  it.each([
    '300 million',
    '500 million',
    '140 million',
    '80 percent',
    '5 million',
    'nearly 1 million',
    '10 million',
    'more than 60 percent',
    '42 percent',
    '18 million',
    '2005',
    '500,000 per month',
    'January',
    'February',
    'May',
    'July',
    'Thursday',
  ])('states the figure "%s" in some fact', (figure) => {
    const statements = knowledge.facts.map((f) => f.statement.toLowerCase());
    expect(statements.some((s) => s.includes(figure.toLowerCase()))).toBe(true);
  });

  it.each(knowledge.people.map((p) => [p.name, p] as const))(
    '%s: name, role and pronoun are as the article has them',
    (_name, person) => {
      expect(ARTICLE_TEXT).toContain(person.name);
      expect(ARTICLE_TEXT).toContain(person.role);
      const quoted = knowledge.quotes.filter((q) => q.speaker === person.id);
      expect(quoted.length).toBeGreaterThan(0);
      const saidWith = quoted.some((q) =>
        knowledge.paragraphs[q.paragraph - 1]!.text.includes(`${person.pronoun} said`),
      );
      expect(saidWith).toBe(true);
    },
  );

  it('names every organization as the article spells it', () => {
    for (const o of knowledge.organizations) expect(ARTICLE_TEXT).toContain(o.name);
    for (const p of knowledge.places) expect(ARTICLE_TEXT).toContain(p.name.replace(/^the /, ''));
  });
});

/** Words that hedge a claim: a statement that gives what follows them must keep them. */
const HEDGES = [
  'expects',
  'is considering',
  'possibility',
  'even',
  'is set to',
  'hoping',
  'nearly',
  'more than',
  'exceeded',
  'boasts',
  'attempt',
];

const wordsOf = (text: string) =>
  text
    .toLowerCase()
    .replace(/'s\b/g, '')
    .match(/[a-z0-9][a-z0-9,'-]*/g) ?? [];

/** The two words after a hedge in a sentence ("roll", "out" after "expects to"), lowercase, or null. */
function wordsAfter(sentence: string, hedge: string): string[] | null {
  const at = sentence.toLowerCase().indexOf(hedge);
  if (at < 0) return null;
  const content = wordsOf(sentence.slice(at + hedge.length)).filter((w) => !['to', 'the', 'of', 'a', 'an'].includes(w));
  return content.length >= 2 ? content.slice(0, 2) : null;
}

describe('every statement keeps its source hedges, scope and attribution', () => {
  it.each(knowledge.facts.map((f) => [f.id, f] as const))(
    'fact %s keeps the hedges of what it restates',
    (_id, fact) => {
      const statement = fact.statement.toLowerCase();
      const words = new Set(wordsOf(statement));
      for (const hedge of HEDGES) {
        const following = wordsAfter(fact.source, hedge);
        if (following?.every((w) => words.has(w)))
          expect(statement, `${hedge} ${following.join(' ')}`).toContain(hedge);
      }
    },
  );

  it.each(knowledge.facts.filter((f) => f.scope?.some((p) => p !== 'world')).map((f) => [f.id, f] as const))(
    'fact %s names the place it holds for',
    (_id, fact) => {
      const names = knowledge.places.filter((p) => fact.scope!.includes(p.id)).flatMap((p) => [p.name, ...p.aliases]);
      expect(names.some((n) => fact.statement.includes(n))).toBe(true);
    },
  );

  it.each(knowledge.facts.filter((f) => f.details?.by).map((f) => [f.id, f] as const))(
    'fact %s is attributed in its source to whom its details say',
    (_id, fact) => {
      const by = fact.details!.by!;
      const person = knowledge.people.find((p) => p.id === by);
      const organization = knowledge.organizations.find((o) => o.id === by);
      const paragraph = knowledge.paragraphs[fact.paragraph! - 1]!.text;
      // The sentence says who said it ("he said", "Shen said", "The company reported", "Statistics from LinkedIn").
      const words = person
        ? [person.name, ...person.aliases, person.pronoun === 'he' ? 'he said' : 'she said']
        : [organization!.name, 'The company', 'it said'];
      expect(words.some((w) => paragraph.includes(w))).toBe(true);
      expect(/\b(said|reported|showed|boasts)\b/.test(paragraph)).toBe(true);
    },
  );

  it('keeps the statements the issue found overstated to the article words', () => {
    const statement = (id: string) => knowledge.facts.find((f) => f.id === id)!.statement;
    expect(statement('wechat-login')).toContain('is considering the possibility of allowing');
    expect(statement('wechat-messaging')).toContain('even to communicate');
    expect(statement('wechat-messaging')).not.toMatch(/^The team/);
    expect(statement('smart-move')).toContain('have used');
    expect(statement('campaigns')).toContain('attract the attention of');
    expect(statement('china-users')).toContain('LinkedIn reported');
    expect(statement('tianji-users')).toContain('boasts');
    expect(statement('user-managers')).toMatch(
      /^Statistics from LinkedIn showed that 42 percent of its users in China/,
    );
    expect(statement('user-cities')).toContain('its users in China');
    expect(statement('article-source')).toContain('Reproduction in whole or in part without permission is prohibited.');
  });
});
