import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { loadChinese, parseChinese } from '../../src/store/chinese.js';
import { DataFileError } from '../../src/store/validate.js';
import { sharedBot } from '../support/article.js';

const { knowledge, intents } = await sharedBot();
const zh = await loadChinese(path.join(PROJECT_ROOT, 'data', 'zh.json'), knowledge);

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** The figures of an English statement, as comparable values: "n:300000000", "p:80", "y:2005", "m:1". */
function englishFigures(text: string): string[] {
  const out: string[] = [];
  let rest = text.replace(/(\d+(?:\.\d+)?) million/g, (_, n: string) => {
    out.push(`n:${Math.round(Number(n) * 1e6)}`);
    return ' ';
  });
  rest = rest.replace(/(\d+) percent/g, (_, n: string) => {
    out.push(`p:${n}`);
    return ' ';
  });
  for (const m of rest.matchAll(/\d[\d,]*/g)) out.push(figure(m[0].replace(/,/g, '')));
  MONTHS.forEach((month, i) => {
    for (const _ of text.matchAll(new RegExp(`\\b${month}\\b`, 'g'))) out.push(`m:${i + 1}`);
  });
  return out.sort();
}

/** The figures of a Chinese statement, as comparable values: 3亿 -> "n:300000000", 80% -> "p:80", 1月 -> "m:1". */
function chineseFigures(text: string): string[] {
  const out: string[] = [];
  let rest = text.replace(/(\d+(?:\.\d+)?)\s*([万亿])/g, (_, n: string, unit: string) => {
    out.push(`n:${Math.round(Number(n) * (unit === '亿' ? 1e8 : 1e4))}`);
    return ' ';
  });
  rest = rest.replace(/(\d+)\s*%/g, (_, n: string) => {
    out.push(`p:${n}`);
    return ' ';
  });
  rest = rest.replace(/(\d{1,2})月/g, (_, n: string) => {
    out.push(`m:${Number(n)}`);
    return ' ';
  });
  for (const m of rest.matchAll(/\d+/g)) out.push(figure(m[0]));
  return out.sort();
}

function figure(digits: string): string {
  return /^(19|20)\d\d$/.test(digits) ? `y:${digits}` : `n:${Number(digits)}`;
}

describe('data/zh.json is faithful to the article', () => {
  it.each(knowledge.facts.map((f) => [f.id, f] as const))(
    '%s: the same figures as the English statement',
    (id, fact) => {
      const statement = zh.facts[id]!.statement;
      expect(chineseFigures(statement), statement).toEqual(englishFigures(fact.statement));
      // No figure written in characters, where the check above could not see it.
      expect(statement).not.toMatch(/[一二三四五六七八九十百千][万亿]|百分之/);
    },
  );

  it("has each figure a comparison says as the fact's own figure", () => {
    for (const fact of knowledge.facts) {
      const figure = zh.facts[fact.id]!.figure;
      if (!fact.details?.figure) {
        expect(figure, fact.id).toBeUndefined();
        continue;
      }
      expect(figure, fact.id).toBeDefined();
      expect(zh.facts[fact.id]!.statement, fact.id).toContain(figure);
      expect(chineseFigures(figure!), fact.id).toEqual(englishFigures(fact.details.figure));
    }
  });

  it("keeps the qualifiers of the article's figures: more than, nearly, by the end of", () => {
    for (const fact of knowledge.facts) {
      const statement = zh.facts[fact.id]!.statement;
      if (/\bmore than\b|\bexceeded\b/.test(fact.statement)) expect(statement, fact.id).toMatch(/超过/);
      if (/\bnearly\b/i.test(fact.statement)) expect(statement, fact.id).toMatch(/近/);
    }
  });

  it('names people as the article does, in Latin letters, and renders every quote', () => {
    for (const fact of knowledge.facts) {
      for (const person of knowledge.people) {
        if (fact.statement.includes(person.name)) expect(zh.facts[fact.id]!.statement).toContain(person.name);
      }
    }
    for (const quote of knowledge.quotes) expect(zh.quotes[quote.id]).toMatch(/\p{Script=Han}/u);
  });

  it('has Chinese utterances, suggestions and texts for every intent', () => {
    for (const intent of intents) {
      expect(intent.zh?.utterances.length, intent.intent).toBeGreaterThanOrEqual(10);
      expect(intent.zh?.suggestions?.length ?? 0, intent.intent).toBe(intent.suggestions?.length ?? 0);
    }
  });
});

describe('parseChinese', () => {
  const file = 'data/zh.json';
  const valid = () => structuredClone(zh) as unknown as Record<string, Record<string, unknown>>;

  it('accepts the real file', () => {
    expect(parseChinese(valid(), file, knowledge).facts['tianji-founded']!.statement).toBe('天际网成立于2005年。');
  });

  it('names a fact without a Chinese statement', () => {
    const data = valid();
    delete data.facts!['tianji-founded'];
    expect(() => parseChinese(data, file, knowledge)).toThrow(DataFileError);
    expect(() => parseChinese(data, file, knowledge)).toThrow(/facts\.tianji-founded/);
  });

  it('refuses a template that drops a slot of the English one', () => {
    const data = valid();
    data.templates!.fact = '{statement}。';
    expect(() => parseChinese(data, file, knowledge)).toThrow(/templates\.fact.*\{where\}/);
  });

  it('refuses an id the article store does not have', () => {
    const data = valid();
    data.quotes!['no-such-quote'] = '……';
    expect(() => parseChinese(data, file, knowledge)).toThrow(/no-such-quote/);
  });
});
