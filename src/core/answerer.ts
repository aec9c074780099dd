import type { FactInfo } from './facts.js';
import type { AnswerKind } from './question.js';
import type { Fact, Intent, Knowledge, Quote, Reply, ReplyQuote, ReplySource } from './types.js';

/** The parts of a reply that come from the article: what to say and what it rests on. */
export interface Answer {
  text: string;
  sources: ReplySource[];
  quotes: ReplyQuote[];
}

/**
 * Every sentence the bot says that is not a fact's statement, an exact quote, a sentence of the article or an
 * intent's fixed text, with its slots in braces. A test renders every reply of every question set and checks each
 * sentence against these, the store and the article.
 */
export const TEMPLATES = {
  fact: '{statement} ({where}).',
  quote: '{name}, {role}, said: "{quote}" ({where}).',
  quoteAgain: '{name} also said: "{quote}" ({where}).',
  people: 'The article quotes these people: {list}.',
  organizations: 'The article mentions these companies and organizations: {list}.',
  sentence: 'The article says: "{source}" ({where}).',
  copyrightHolder: 'The copyright notice at the end is that of {name}.',
  places: 'The article names these places: {list}.',
  reportedFrom: 'Paragraph {n} gives it in reporting what {name}, {role}, said: "{source}"',
  attributedTo: 'Paragraph {n} attributes it to {name}: "{source}"',
  unattributed: 'The article states it without naming a source ({where}): "{source}"',
  notSaid: 'The article does not say {what}.',
  notGiven: 'The article does not give {what} for {where}.',
  notGivenAt: 'The article does not give {what}.',
  whatItSays: 'What it does say: {fact}',
  comparison: "By the article's figures, {nameA} has the larger figure: {a}, against {b} for {nameB}.",
  sorry: 'Sorry, the article does not say that{about}; I only answer from what it says.',
  youCouldAsk: 'You could ask: {suggestions}',
  whoDoYouMean: 'Who do you mean: {names}?',
  onlyName: 'The article gives no other name for {name}.',
} as const;

/** What the article does not give, for a question asking this kind of answer: "The article does not say {…}." */
export const KIND_PHRASES: Record<AnswerKind, string> = {
  when: 'when',
  year: 'in which year',
  month: 'in which month',
  day: 'on which day',
  date: 'the date',
  'said-when': 'when that was said',
  where: 'where',
  city: 'in which city',
  country: 'in which country',
  number: 'how many',
  percent: 'a percentage for that',
  money: 'anything about money',
  age: 'how old',
  duration: 'for how long',
  why: 'why',
  by: 'who said it',
  compared: 'what that is compared with',
  person: 'who',
  agent: 'who',
  which: 'which ones',
  name: 'what it is called',
};

/** How a near miss is worded: the kind of answer the article lacks, or the time or place it gives nothing for. */
export type Missing =
  | { kind: AnswerKind }
  | { where: string; figure: boolean }
  | { absent: string }
  /** "What is WeChat called in Chinese?": the article names it one way only. */
  | { onlyName: string };

/**
 * Builds answers from the knowledge store. Every sentence it says is a fact's statement, an exact quote, a
 * sentence of the article, an intent's fixed text, or one of the {@link TEMPLATES} with names, roles,
 * figures and paragraph numbers from the store; each carries where in the article it is.
 */
export class Answerer {
  private readonly facts: Map<string, Fact>;
  private readonly quotes: Map<string, Quote>;
  private readonly names: Map<string, string>;
  /** Per name, the sentence that first names it: found once, since splitting the article is slow. */
  private readonly mentionSources = new Map<string, ReplySource | null>();

  constructor(private readonly knowledge: Knowledge) {
    this.facts = new Map(knowledge.facts.map((f) => [f.id, f]));
    this.quotes = new Map(knowledge.quotes.map((q) => [q.id, q]));
    this.names = new Map(
      [...knowledge.people, ...knowledge.organizations, ...knowledge.places].map((e) => [e.id, e.name]),
    );
  }

  /** Display name of a person, organization or place id. */
  nameOf(id: string): string {
    return this.names.get(id) ?? id;
  }

  /** The answer to one intent, or to several merged (a comparison, or "And LinkedIn?" matching two). */
  answer(intents: readonly Intent[]): Answer {
    const out = new AnswerBuilder();
    for (const intent of intents) {
      const { answer } = intent;
      if (answer.text) out.say(answer.text);
      if (answer.list === 'people') this.listPeople(out);
      if (answer.list === 'organizations') this.listOrganizations(out);
      if (answer.list === 'places') this.listPlaces(out);
      for (const id of answer.facts ?? []) this.fact(out, this.facts.get(id)!);
      for (const id of answer.quotes ?? []) this.quote(out, this.quotes.get(id)!);
    }
    return out.build();
  }

  /** The answer given by some facts, quotes, and sentences of the article (each given by the fact it holds). */
  passages(passages: readonly ({ fact: Fact } | { quote: Quote } | { sentence: Fact })[]): Answer {
    const out = new AnswerBuilder();
    for (const p of passages) {
      if ('fact' in p) this.fact(out, p.fact);
      else if ('quote' in p) this.quote(out, p.quote);
      else {
        out.say(fill(TEMPLATES.sentence, { source: p.sentence.source, where: where(p.sentence.paragraph) }));
        out.source({ paragraph: p.sentence.paragraph, text: p.sentence.source });
      }
    }
    return out.build();
  }

  /** Who the article has a fact from ("says who?"), with the sentence it is in. */
  attribution(fact: Fact): Answer {
    const out = new AnswerBuilder();
    const by = fact.details?.by;
    const person = this.knowledge.people.find((p) => p.id === by);
    const n = String(fact.paragraph ?? '');
    if (person) out.say(fill(TEMPLATES.reportedFrom, { n, name: person.name, role: person.role, source: fact.source }));
    else if (by) out.say(fill(TEMPLATES.attributedTo, { n, name: this.nameOf(by), source: fact.source }));
    else out.say(fill(TEMPLATES.unattributed, { where: where(fact.paragraph), source: fact.source }));
    out.source({ paragraph: fact.paragraph, text: fact.source });
    return out.build();
  }

  /** A near miss: what the article does not give, then the nearest things it does say, as sources too. */
  nearMiss(missing: Missing, nearest: readonly Fact[]): Answer {
    const out = new AnswerBuilder();
    if ('kind' in missing) out.say(fill(TEMPLATES.notSaid, { what: KIND_PHRASES[missing.kind] }));
    else if ('absent' in missing) out.say(fill(TEMPLATES.notGivenAt, { what: missing.absent }));
    else if ('onlyName' in missing) out.say(fill(TEMPLATES.onlyName, { name: this.nameOf(missing.onlyName) }));
    else out.say(fill(TEMPLATES.notGiven, { what: missing.figure ? 'a figure' : 'that', where: missing.where }));
    for (const fact of nearest) {
      out.say(fill(TEMPLATES.whatItSays, { fact: factLine(fact) }));
      out.source({ paragraph: fact.paragraph, text: fact.source });
    }
    return out.build();
  }

  /** The comparison of two figures of the same kind, when they differ: the larger first. */
  comparison(a: FactInfo, b: FactInfo): string | null {
    if (!a.figure || !b.figure || a.figure.percent !== b.figure.percent || a.figure.value === b.figure.value)
      return null;
    // Two figures of one subject ("its users in China" and "its members worldwide") are given, not ranked.
    if (a.fact.subject === b.fact.subject) return null;
    const [big, small] = a.figure.value > b.figure.value ? [a, b] : [b, a];
    return fill(TEMPLATES.comparison, {
      a: big.fact.details!.figure!,
      nameA: this.nameOf(big.fact.subject),
      b: small.fact.details!.figure!,
      nameB: this.nameOf(small.fact.subject),
    });
  }

  private fact(out: AnswerBuilder, fact: Fact): void {
    if (!out.once(`fact:${fact.id}`)) return;
    out.say(factLine(fact));
    out.source({ paragraph: fact.paragraph, text: fact.source });
  }

  private quote(out: AnswerBuilder, quote: Quote): void {
    if (!out.once(`quote:${quote.id}`)) return;
    const speaker = this.knowledge.people.find((p) => p.id === quote.speaker)!;
    // The speaker's role is said once; a second quote from the same person follows as "also said".
    const again = out.lastSpeaker() === speaker.name;
    out.quote({ speaker: speaker.name, role: speaker.role, text: quote.text, paragraph: quote.paragraph });
    const slots = { name: speaker.name, role: speaker.role, quote: quote.text, where: where(quote.paragraph) };
    out.say(fill(again ? TEMPLATES.quoteAgain : TEMPLATES.quote, slots));
    out.source({ paragraph: quote.paragraph, text: this.paragraphText(quote.paragraph) });
  }

  private listPeople(out: AnswerBuilder): void {
    const items = this.knowledge.people.map((p) => {
      const source = this.mentionSource(p.name);
      if (source) out.source(source);
      return `${p.name}, ${p.role} (${where(source?.paragraph ?? null)})`;
    });
    out.say(fill(TEMPLATES.people, { list: joinList(items, '; ') }));
  }

  /** The organizations the article's paragraphs name; one named only in the copyright notice is said to be its holder. */
  private listOrganizations(out: AnswerBuilder): void {
    const items: string[] = [];
    const holders: string[] = [];
    for (const o of this.knowledge.organizations) {
      const source = this.mentionSource(o.name);
      if (source) out.source(source);
      if (source?.paragraph === null) holders.push(o.name);
      else items.push(`${o.name} (${o.description}; ${where(source?.paragraph ?? null)})`);
    }
    out.say(fill(TEMPLATES.organizations, { list: joinList(items, '; ') }));
    for (const name of holders) out.say(fill(TEMPLATES.copyrightHolder, { name }));
  }

  private listPlaces(out: AnswerBuilder): void {
    const items: string[] = [];
    for (const p of this.knowledge.places) {
      const source = this.mentionSource(p.name.replace(/^the /, ''));
      if (!source) continue;
      out.source(source);
      items.push(`${p.name.replace(/^the /, '')} (${where(source.paragraph)})`);
    }
    out.say(fill(TEMPLATES.places, { list: joinList(items, '; ') }));
  }

  /** The first sentence of the article that names `name`. */
  private mentionSource(name: string): ReplySource | null {
    let source = this.mentionSources.get(name);
    if (source === undefined) {
      source = this.findMentionSource(name);
      this.mentionSources.set(name, source);
    }
    // A copy: a reply is the caller's to change, the remembered source is not.
    return source ? { ...source } : null;
  }

  private findMentionSource(name: string): ReplySource | null {
    for (const p of this.knowledge.paragraphs) {
      const sentence = sentences(p.text).find((s) => s.includes(name));
      if (sentence) return { paragraph: p.number, text: sentence };
    }
    const { copyright } = this.knowledge.source;
    return copyright.includes(name) ? { paragraph: null, text: copyright } : null;
  }

  private paragraphText(number: number): string {
    return this.knowledge.paragraphs.find((p) => p.number === number)!.text;
  }
}

/** Collects the sentences, sources and quotes of one answer, each once. */
class AnswerBuilder {
  private readonly parts: string[] = [];
  private readonly sources: ReplySource[] = [];
  private readonly quotes: ReplyQuote[] = [];
  private readonly seen = new Set<string>();

  once(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }

  say(text: string): void {
    this.parts.push(text);
  }

  source(source: ReplySource): void {
    if (!this.sources.some((s) => s.text === source.text)) this.sources.push(source);
  }

  quote(quote: ReplyQuote): void {
    this.quotes.push(quote);
  }

  lastSpeaker(): string | undefined {
    return this.quotes.at(-1)?.speaker;
  }

  build(): Answer {
    return { text: this.parts.join('\n'), sources: this.sources, quotes: this.quotes };
  }
}

/** A template with its slots filled. */
export function fill(template: string, slots: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => slots[name] ?? '');
}

/** A fact as the bot says it: its statement and where it is in the article. */
function factLine(fact: Fact): string {
  return fill(TEMPLATES.fact, { statement: fact.statement.replace(/\.$/, ''), where: where(fact.paragraph) });
}

/** "paragraph 5", or the copyright notice for facts that come from it. */
export function where(paragraph: number | null): string {
  return paragraph === null ? 'copyright notice' : `paragraph ${paragraph}`;
}

/**
 * "a, b and c" (or "a, b or c"). With a separator other than a comma, it also stands before the conjunction:
 * "a; b; and c".
 */
export function joinList(items: readonly string[], separator = ', ', conjunction = 'and'): string {
  if (items.length <= 1) return items.join('');
  const beforeLast = separator === ', ' ? '' : separator.trim();
  return `${items.slice(0, -1).join(separator)}${beforeLast} ${conjunction} ${items.at(-1)}`;
}

/** Splits a paragraph into sentences at ". " and friends, keeping quotation marks with their sentence. */
export function sentences(text: string): string[] {
  return text.split(/(?<=[.!?]"?)\s+(?=["A-Z])/);
}

/** The reply for an answered intent. */
export function toReply(intent: string, confidence: number, answer: Answer, suggestions: string[]): Reply {
  return {
    text: answer.text,
    intent,
    confidence,
    fallback: false,
    sources: answer.sources,
    quotes: answer.quotes,
    suggestions,
  };
}

/** The reply when the article gives no answer: no intent, and the nearest things it says, if any, as sources. */
export function fallbackReply(
  text: string,
  confidence: number,
  suggestions: string[],
  sources: ReplySource[] = [],
): Reply {
  return { text, intent: null, confidence, fallback: true, sources, quotes: [], suggestions };
}
