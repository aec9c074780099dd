/** Shapes shared by the core. Plain data only: everything here serialises to JSON. */

/** One paragraph of the article, numbered from 1. */
export interface Paragraph {
  number: number;
  text: string;
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
  text?: string;
  list?: 'people' | 'organizations';
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
  /** Entities mentioned or answered about, most recent first (at most a few). */
  entities: EntityRef[];
  /** Number of questions asked in this conversation. */
  turns: number;
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

/** A list of known words (the English dictionary): the spelling corrector never changes a word in it. */
export interface WordSet {
  has(word: string): boolean;
}
