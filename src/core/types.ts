/** Shapes shared by the core. Plain data only: everything here serialises to JSON. */

import type { Lang } from './language.js';

/** One paragraph of the article, numbered from 1. */
export interface Paragraph {
  number: number;
  text: string;
}

/**
 * What a fact answers beyond itself, each in the article's own words (a phrase of its source sentence), so a
 * follow-up ("when was that?", "says who?", "compared with what?") can be answered from it, and a question
 * asking what the fact does not hold ("which year?") gets an honest "the article does not say".
 */
export interface FactDetails {
  /** The figure: "more than 300 million", "80 percent". */
  figure?: string;
  /** When it happened or holds: "in January", "by the end of May", "by early next year". */
  when?: string;
  /** When it was said: "on Thursday". */
  said?: string;
  /** Where: "Beijing-based", "United States-based". */
  where?: string;
  /** What a change is measured against: "Compared with January". */
  compared?: string;
  /** Why, or what for: "in an attempt to connect with more than 140 million Chinese professionals". */
  why?: string;
  /** Id of the person or organization whose words the article reports the fact in. */
  by?: string;
}

/** A figure or claim from the article, in one sentence, with the sentence it rests on. */
export interface Fact {
  id: string;
  statement: string;
  /** Id of the person, organization or place the fact is about. */
  subject: string;
  /** Paragraph number, or null for the copyright notice after the last paragraph. */
  paragraph: number | null;
  /** The article's own words the fact rests on, verbatim. */
  source: string;
  details?: FactDetails;
  /**
   * Where the fact holds: place ids, or "world" for a worldwide figure. A question about another place ("in
   * Brazil", "worldwide" for a figure about China) is not answered by it. Absent: the places its statement names.
   */
  scope?: string[];
}

/** A direct quotation: the exact words between the article's quotation marks. */
export interface Quote {
  id: string;
  text: string;
  /** Id of the person quoted. */
  speaker: string;
  paragraph: number;
}

export interface Person {
  id: string;
  name: string;
  aliases: string[];
  role: string;
  /** Id of the organization the person works for. */
  organization: string;
  pronoun: 'he' | 'she';
}

export interface Organization {
  id: string;
  name: string;
  aliases: string[];
  /** What the article says of it, in a phrase. */
  description: string;
}

export interface Place {
  id: string;
  name: string;
  aliases: string[];
  /** What kind of place: a question asking "which city" is not answered by a country. */
  type: 'city' | 'country' | 'region';
  /** The place it is in ("china" for Beijing): what holds for China holds there, though China's figures are not its. */
  in?: string;
}

/** The article as structured records (data/article.json). */
export interface Knowledge {
  title: string;
  source: { name: string; copyright: string };
  paragraphs: Paragraph[];
  facts: Fact[];
  quotes: Quote[];
  people: Person[];
  organizations: Organization[];
  places: Place[];
}

/** How an intent is answered: facts and quotes from the store, a fixed text, a list, or "not covered". */
export interface IntentAnswer {
  facts?: string[];
  quotes?: string[];
  /**
   * What the article does not give, for an intent that asks it ("a publication date"): the reply says so and
   * gives the facts as the nearest things it does say, as a fallback.
   */
  absent?: string;
  text?: string;
  list?: 'people' | 'organizations' | 'places';
  fallback?: boolean;
}

/** One intent file from intents/. */
export interface Intent {
  intent: string;
  description: string;
  /** Ids of the people, organizations and places the intent is about (empty for article-level intents). */
  about: string[];
  /** What is asked about the entity ("users", "profile", ...); links intents for follow-ups. */
  aspect?: string;
  answer: IntentAnswer;
  suggestions?: string[];
  utterances: string[];
  /** The intent in Chinese: its training utterances, suggestions and fixed text. */
  zh?: { utterances: string[]; suggestions?: string[]; text?: string; absent?: string };
}

/** An entity the conversation has mentioned, most recent first in {@link ConversationState.entities}. */
export interface EntityRef {
  id: string;
  kind: 'person' | 'organization' | 'place';
}

/** What the core remembers between turns of one conversation. */
export interface ConversationState {
  /** Intent of the last answered question, or null. */
  lastIntent: string | null;
  /** Entities mentioned or answered about, most salient first: what the last answer was about leads. */
  entities: EntityRef[];
  /** Number of questions asked in this conversation. */
  turns: number;
  /** Ids of the facts the last answer gave, for follow-ups about them ("when was that?", "says who?"). */
  facts?: string[];
  /** Ids of the quotes the last answer gave ("says who?" after a quote). */
  quotes?: string[];
  /** Content words of the last answered question, for a follow-up that has no topic of its own. */
  context?: string[];
  /** The kind of answer the last question with a topic asked ("where", "number"), for "and Tianji?". */
  asked?: string;
}

export interface ReplySource {
  paragraph: number | null;
  text: string;
}

export interface ReplyQuote {
  speaker: string;
  role: string;
  text: string;
  paragraph: number;
}

/** The reply contract (DESIGN.md): `text` is complete on its own; the rest is for richer channels. */
export interface Reply {
  /** The language of `text`: that of the question. */
  lang: Lang;
  text: string;
  intent: string | null;
  confidence: number;
  fallback: boolean;
  sources: ReplySource[];
  quotes: ReplyQuote[];
  suggestions: string[];
}

/** What the recognizer makes of a question. `intent` is null when the question is out of scope. */
export interface Recognition {
  intent: string | null;
  confidence: number;
  ranking: { intent: string; score: number }[];
}

export function emptyState(): ConversationState {
  return { lastIntent: null, entities: [], turns: 0 };
}

/** Whether `value` is a {@link ConversationState} the core can use (state read back from storage is untrusted). */
export function isConversationState(value: unknown): value is ConversationState {
  const s = value as ConversationState | undefined;
  const strings = (v: unknown) =>
    v === undefined || (Array.isArray(v) && v.length <= 64 && v.every((x) => typeof x === 'string'));
  return (
    typeof s === 'object' &&
    s !== null &&
    (s.lastIntent === null || typeof s.lastIntent === 'string') &&
    Array.isArray(s.entities) &&
    s.entities.every(isEntityRef) &&
    Number.isInteger(s.turns) &&
    strings(s.facts) &&
    strings(s.quotes) &&
    strings(s.context) &&
    (s.asked === undefined || (typeof s.asked === 'string' && s.asked.length <= 32))
  );
}

function isEntityRef(value: unknown): value is EntityRef {
  const v = value as EntityRef;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.id === 'string' &&
    ['person', 'organization', 'place'].includes(v.kind)
  );
}

/** A list of known words (the English dictionary): the spelling corrector never changes a word in it. */
export interface WordSet {
  has(word: string): boolean;
}

/** What the recognizer knows of English beyond the article: real words, place names, synonyms. */
export interface Lexicon {
  /** English words and proper nouns: taken as written, never "corrected" to a name or another word. */
  words: WordSet;
  /** Place names, lowercase, words separated by spaces ("brazil", "hong kong"): places the article may not mention. */
  places: ReadonlySet<string>;
  /** A word's base form -> words of the training vocabulary that share one of its first WordNet senses. */
  synonyms: ReadonlyMap<string, readonly string[]>;
}
