import type { FactInfo } from './facts.js';
import type { Lang, Language } from './language.js';
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
  /** A place id ("world", "outside", an entity's, or a place the article does not name) or a time ("july"). */
  | { where: { place: string } | { time: string }; figure: boolean }
  /** An intent that asks what the article does not give ("a publication date"). */
  | { absent: Intent }
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
  private readonly entities: ReadonlySet<string>;
  private readonly t: Language['templates'];
  private readonly factLines = new Map<string, string>();
  /** Per name, the sentence that first names it: found once, since splitting the article is slow. */
  private readonly mentionSources = new Map<string, ReplySource | null>();

  constructor(
    private readonly knowledge: Knowledge,
    /** The language it speaks: the article's English, or another with its own statements and templates. */
    readonly language: Language,
  ) {
    this.facts = new Map(knowledge.facts.map((f) => [f.id, f]));
    this.quotes = new Map(knowledge.quotes.map((q) => [q.id, q]));
    this.entities = new Set([...knowledge.people, ...knowledge.organizations, ...knowledge.places].map((e) => e.id));
    this.t = language.templates;
  }

  /** Display name of a person, organization or place id. */
  nameOf(id: string): string {
    return this.language.name(id);
  }

  /** The answer to one intent, or to several merged (a comparison, or "And LinkedIn?" matching two). */
  answer(intents: readonly Intent[]): Answer {
    const out = new AnswerBuilder();
    for (const intent of intents) {
      const { answer } = intent;
      const text = this.language.text(intent);
      if (text) out.say(text);
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
        const slots = {
          source: p.sentence.source,
          statement: this.statementOf(p.sentence),
          where: this.language.where(p.sentence.paragraph),
        };
        out.say(fill(this.t.sentence, slots));
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
    const { source } = fact;
    if (person) out.say(fill(this.t.reportedFrom, { n, name: person.name, role: this.language.role(person), source }));
    else if (by) out.say(fill(this.t.attributedTo, { n, name: this.nameOf(by), source }));
    else out.say(fill(this.t.unattributed, { where: this.language.where(fact.paragraph), source }));
    out.source({ paragraph: fact.paragraph, text: fact.source });
    return out.build();
  }

  /** A near miss: what the article does not give, then the nearest things it does say, as sources too. */
  nearMiss(missing: Missing, nearest: readonly Fact[]): Answer {
    const out = new AnswerBuilder();
    const { words } = this.language;
    if ('kind' in missing) out.say(fill(this.t.notSaid, { what: this.language.kindPhrases[missing.kind] }));
    else if ('absent' in missing) out.say(fill(this.t.notGivenAt, { what: this.language.absent(missing.absent) }));
    else if ('onlyName' in missing) out.say(fill(this.t.onlyName, { name: this.nameOf(missing.onlyName) }));
    else {
      const what = missing.figure ? words.aFigure : words.that;
      out.say(fill(this.t.notGiven, { what, where: this.placeOrTime(missing.where) }));
    }
    for (const fact of nearest) {
      out.say(fill(this.t.whatItSays, { fact: this.factLine(fact) }));
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
    return fill(this.t.comparison, {
      a: this.language.figure(big.fact)!,
      nameA: this.nameOf(big.fact.subject),
      b: this.language.figure(small.fact)!,
      nameB: this.nameOf(small.fact.subject),
    });
  }

  /** The time or place a near miss names: "the whole world", "July", "Brazil". */
  private placeOrTime(where: { place: string } | { time: string }): string {
    const { words } = this.language;
    if ('time' in where) return this.language.time(where.time);
    if (where.place === 'world') return words.wholeWorld;
    if (where.place === 'outside') return words.outside;
    return this.entities.has(where.place) ? this.nameOf(where.place) : this.language.otherPlace(where.place);
  }

  /** A fact as the bot says it: its statement and where it is in the article (made once per fact). */
  private factLine(fact: Fact): string {
    let line = this.factLines.get(fact.id);
    if (line === undefined) {
      line = fill(this.t.fact, { statement: this.statementOf(fact), where: this.language.where(fact.paragraph) });
      this.factLines.set(fact.id, line);
    }
    return line;
  }

  private statementOf(fact: Fact): string {
    return this.language.statement(fact).replace(/[.。]$/, '');
  }

  private fact(out: AnswerBuilder, fact: Fact): void {
    if (!out.once(`fact:${fact.id}`)) return;
    out.say(this.factLine(fact));
    out.source({ paragraph: fact.paragraph, text: fact.source });
  }

  private quote(out: AnswerBuilder, quote: Quote): void {
    if (!out.once(`quote:${quote.id}`)) return;
    const speaker = this.knowledge.people.find((p) => p.id === quote.speaker)!;
    // The speaker's role is said once; a second quote from the same person follows as "also said".
    const again = out.lastSpeaker() === speaker.name;
    const role = this.language.role(speaker);
    out.quote({ speaker: speaker.name, role, text: quote.text, paragraph: quote.paragraph });
    const slots = { name: speaker.name, role, quote: quote.text, where: this.language.where(quote.paragraph) };
    out.say(fill(again ? this.t.quoteAgain : this.t.quote, slots));
    // The article's words stay as they are; a rendering in the question's language follows, said to be one.
    const translation = this.language.translation(quote);
    if (translation) out.say(fill(this.language.words.translation, { translation }));
    out.source({ paragraph: quote.paragraph, text: this.paragraphText(quote.paragraph) });
  }

  private listPeople(out: AnswerBuilder): void {
    const items = this.knowledge.people.map((p) => {
      const source = this.mentionSource(p.name);
      if (source) out.source(source);
      const where = this.language.where(source?.paragraph ?? null);
      return fill(this.language.words.personItem, { name: p.name, role: this.language.role(p), where });
    });
    out.say(fill(this.t.people, { list: this.language.join(items, 'and', '; ') }));
  }

  /** The organizations the article's paragraphs name; one named only in the copyright notice is said to be its holder. */
  private listOrganizations(out: AnswerBuilder): void {
    const items: string[] = [];
    const holders: string[] = [];
    for (const o of this.knowledge.organizations) {
      const source = this.mentionSource(o.name);
      if (source) out.source(source);
      const name = this.nameOf(o.id);
      if (source?.paragraph === null) holders.push(name);
      else {
        const slots = {
          name,
          description: this.language.description(o.id),
          where: this.language.where(source?.paragraph ?? null),
        };
        items.push(fill(this.language.words.organizationItem, slots));
      }
    }
    out.say(fill(this.t.organizations, { list: this.language.join(items, 'and', '; ') }));
    for (const name of holders) out.say(fill(this.t.copyrightHolder, { name }));
  }

  private listPlaces(out: AnswerBuilder): void {
    const items: string[] = [];
    for (const p of this.knowledge.places) {
      const source = this.mentionSource(p.name.replace(/^the /, ''));
      if (!source) continue;
      out.source(source);
      const name = this.nameOf(p.id).replace(/^the /, '');
      items.push(fill(this.language.words.placeItem, { name, where: this.language.where(source.paragraph) }));
    }
    out.say(fill(this.t.places, { list: this.language.join(items, 'and', '; ') }));
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

/** Splits a paragraph into sentences at ". " and friends, keeping quotation marks with their sentence. */
export function sentences(text: string): string[] {
  return text.split(/(?<=[.!?]"?)\s+(?=["A-Z])/);
}

/** The reply for an answered intent. */
export function toReply(
  intent: string,
  confidence: number,
  answer: Answer,
  suggestions: string[],
  lang: Lang = 'en',
): Reply {
  return {
    lang,
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
  lang: Lang = 'en',
): Reply {
  return { lang, text, intent: null, confidence, fallback: true, sources, quotes: [], suggestions };
}
