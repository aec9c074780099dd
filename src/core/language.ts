import type { TEMPLATES } from './answerer.js';
import { type AnswerKind, MONTHS } from './question.js';
import type { Fact, Intent, Knowledge, Person, Quote } from './types.js';

/** The languages the bot answers in: a question in Chinese is answered in Chinese, any other in English. */
export type Lang = 'en' | 'zh';

/** The sentences the bot says that are not the article's, with their slots in braces (see answerer.ts). */
export type Templates = Record<keyof typeof TEMPLATES, string>;

/** Words the templates are filled with. `translation` follows a quote in another language than the question's. */
export interface Words {
  aFigure: string;
  that: string;
  wholeWorld: string;
  outside: string;
  /** After "Sorry, the article does not say that": " about {name}". */
  about: string;
  translation: string;
  /** The items of the lists of people, organizations and places. */
  personItem: string;
  organizationItem: string;
  placeItem: string;
  /** Replies that are no turn: a conversation over its rate limit, a question over the longest answered. */
  slowDown: string;
  tooLong: string;
}

/** The English words (the templates are {@link TEMPLATES}). */
export const ENGLISH_WORDS: Words = {
  aFigure: 'a figure',
  that: 'that',
  wholeWorld: 'the whole world',
  outside: 'outside the places it names',
  about: ' about {name}',
  translation: '',
  personItem: '{name}, {role} ({where})',
  organizationItem: '{name} ({description}; {where})',
  placeItem: '{name} ({where})',
  slowDown: 'You are asking faster than I can keep up with; please wait {seconds} s and ask again.',
  tooLong: 'Sorry, that question is too long for me (more than {max} characters); please ask it in fewer words.',
};

/** The Chinese side of the store (data/zh.json): everything the bot says in Chinese, and how it reads Chinese. */
export interface ChineseStore {
  /** Chinese term -> the English words the core reads ("天际网" -> "tianji"); "^" marks a term read at the start only. */
  gloss: Record<string, string>;
  /** Question words that ask which of the things named ("哪个", "谁"): "A和B哪个…" compares A and B. */
  choosing: string[];
  /** Per fact id, its statement in Chinese (figures as the article's) and its figure, if it has one. */
  facts: Record<string, { statement: string; figure?: string }>;
  /** Per quote id, a Chinese rendering, said as a translation after the article's exact words. */
  quotes: Record<string, string>;
  /** Per person id, the role in Chinese; people keep the Latin names the article gives. */
  people: Record<string, { role: string }>;
  /** Per organization and place id, its Chinese name (and an organization's description). */
  organizations: Record<string, { name: string; description: string }>;
  places: Record<string, { name: string }>;
  templates: Templates;
  words: Words;
  kindPhrases: Record<AnswerKind, string>;
  /** Relative times as a near miss names them ("next-year" -> "明年"). */
  times: Record<string, string>;
  /** Words between list items: [separator, "and", "or"]. */
  lists: { separator: string; and: string; or: string };
  /** Quotation marks around a suggestion: [open, close]. */
  marks: [string, string];
}

/** How one language says what the core decided: names, statements, templates. */
export interface Language {
  lang: Lang;
  templates: Templates;
  words: Words;
  kindPhrases: Record<AnswerKind, string>;
  statement(fact: Fact): string;
  /** The fact's figure as this language says it ("more than 18 million", "超过1800万"). */
  figure(fact: Fact): string | undefined;
  /** A rendering of a quote to follow its exact words, or undefined when the quote is in this language. */
  translation(quote: Quote): string | undefined;
  name(id: string): string;
  role(person: Person): string;
  description(id: string): string;
  /** "paragraph 5" / "第5段"; the copyright notice for null. */
  where(paragraph: number | null): string;
  /** "a, b and c" (or "or"); with a separator other than the usual one, it also stands before the conjunction. */
  join(items: readonly string[], conjunction?: 'and' | 'or', separator?: string): string;
  /** A suggestion in quotation marks. */
  quoted(text: string): string;
  /** A time as a near miss names it ("July", "2013", "next year"). */
  time(time: string): string;
  /** A place the article does not name, as the question names it. */
  otherPlace(place: string): string;
  /** An intent's fixed text and suggestions in this language, and what it asks that the article does not give. */
  text(intent: Intent): string | undefined;
  absent(intent: Intent): string;
  suggestions(intent: Intent): string[];
}

const ENGLISH_TIMES: Record<string, string> = {
  now: 'now',
  'this-year': 'this year',
  'last-year': 'last year',
  'next-year': 'next year',
  'past-year': 'the past year',
};

/** English, as the article and the intent files write it. */
export function english(knowledge: Knowledge, templates: Templates, kindPhrases: Record<AnswerKind, string>): Language {
  const names = entityNames(knowledge);
  const descriptions = new Map(knowledge.organizations.map((o) => [o.id, o.description]));
  return {
    lang: 'en',
    templates,
    words: ENGLISH_WORDS,
    kindPhrases,
    statement: (fact) => fact.statement,
    figure: (fact) => fact.details?.figure,
    translation: () => undefined,
    name: (id) => names.get(id) ?? id,
    role: (person) => person.role,
    description: (id) => descriptions.get(id) ?? '',
    where: (paragraph) => (paragraph === null ? 'copyright notice' : `paragraph ${paragraph}`),
    join: (items, conjunction = 'and', separator = ', ') => joinWith(items, separator, conjunction, true),
    quoted: (text) => `"${text}"`,
    time: (time) => (/^\d{4}$/.test(time) ? time : (ENGLISH_TIMES[time] ?? titleCase(time))),
    otherPlace: titleCase,
    text: (intent) => intent.answer.text,
    absent: (intent) => intent.answer.absent ?? '',
    suggestions: (intent) => intent.suggestions ?? [],
  };
}

/** Chinese, from data/zh.json: every name, statement and template the store gives; quotes stay English. */
export function chinese(knowledge: Knowledge, store: ChineseStore): Language {
  const names = entityNames(knowledge);
  for (const [id, o] of Object.entries({ ...store.organizations, ...store.places })) names.set(id, o.name);
  // A place the article does not name is said as the question said it: the first Chinese term glossed to it.
  const placeNames = new Map<string, string>();
  for (const [term, gloss] of Object.entries(store.gloss)) {
    const key = gloss.toLowerCase();
    if (!placeNames.has(key) && !term.startsWith('^')) placeNames.set(key, term);
  }
  const months = MONTHS.map((m, i) => [m, `${i + 1}月`] as const);
  const { separator, and, or } = store.lists;
  return {
    lang: 'zh',
    templates: store.templates,
    words: store.words,
    kindPhrases: store.kindPhrases,
    statement: (fact) => store.facts[fact.id]!.statement,
    figure: (fact) => store.facts[fact.id]?.figure,
    translation: (quote) => store.quotes[quote.id],
    name: (id) => names.get(id) ?? id,
    role: (person) => store.people[person.id]!.role,
    description: (id) => store.organizations[id]?.description ?? '',
    where: (paragraph) => (paragraph === null ? '版权声明' : `第${paragraph}段`),
    // The English separators callers give are said the Chinese way: ", " as "、", "; " as "；".
    join: (items, conjunction = 'and', sep = ', ') =>
      joinWith(items, sep === '; ' ? '；' : separator, conjunction === 'or' ? or : and, false),
    quoted: (text) => `${store.marks[0]}${text}${store.marks[1]}`,
    time: (time) =>
      /^\d{4}$/.test(time) ? `${time}年` : (store.times[time] ?? new Map(months).get(time) ?? titleCase(time)),
    otherPlace: (place) => placeNames.get(place) ?? titleCase(place),
    text: (intent) => intent.zh?.text ?? intent.answer.text,
    absent: (intent) => intent.zh?.absent ?? intent.answer.absent ?? '',
    suggestions: (intent) => intent.zh?.suggestions ?? [],
  };
}

function entityNames(knowledge: Knowledge): Map<string, string> {
  return new Map([...knowledge.people, ...knowledge.organizations, ...knowledge.places].map((e) => [e.id, e.name]));
}

/**
 * "a, b and c" (or "a, b or c"). In English, a separator other than a comma also stands before the
 * conjunction: "a; b; and c". In Chinese the conjunction joins the last two without spaces: "甲、乙和丙".
 */
function joinWith(items: readonly string[], separator: string, conjunction: string, spaced: boolean): string {
  if (items.length <= 1) return items.join('');
  if (!spaced) return `${items.slice(0, -1).join(separator)}${conjunction}${items.at(-1)}`;
  const beforeLast = separator === ', ' ? '' : separator.trim();
  return `${items.slice(0, -1).join(separator)}${beforeLast} ${conjunction} ${items.at(-1)}`;
}

function titleCase(text: string): string {
  return text.replace(/\b\p{L}/gu, (c) => c.toUpperCase());
}
