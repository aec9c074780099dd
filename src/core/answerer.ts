import type { Fact, Intent, Knowledge, Quote, Reply, ReplyQuote, ReplySource } from './types.js';

/** The parts of a reply that come from the intent alone: what to say and what it rests on. */
export interface Answer {
  text: string;
  sources: ReplySource[];
  quotes: ReplyQuote[];
}

/**
 * Builds answers from the knowledge store. Every sentence it says is a fact's statement, an exact quote, an
 * intent's fixed small-talk text, or a name and role from the store; each carries where in the article it is.
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

  /** The answer to one intent, or to several merged (a follow-up such as "And LinkedIn?" may match two). */
  answer(intents: readonly Intent[]): Answer {
    const parts: string[] = [];
    const sources: ReplySource[] = [];
    const quotes: ReplyQuote[] = [];
    const addSource = (source: ReplySource) => {
      if (!sources.some((s) => s.text === source.text)) sources.push(source);
    };
    const seenFacts = new Set<string>();
    const seenQuotes = new Set<string>();
    for (const intent of intents) {
      const { answer } = intent;
      if (answer.text) parts.push(answer.text);
      if (answer.list === 'people') parts.push(this.listPeople(addSource));
      if (answer.list === 'organizations') parts.push(this.listOrganizations(addSource));
      for (const id of answer.facts ?? []) {
        if (seenFacts.has(id)) continue;
        seenFacts.add(id);
        const fact = this.facts.get(id)!;
        parts.push(`${fact.statement.replace(/\.$/, '')} (${where(fact.paragraph)}).`);
        addSource({ paragraph: fact.paragraph, text: fact.source });
      }
      for (const id of answer.quotes ?? []) {
        if (seenQuotes.has(id)) continue;
        seenQuotes.add(id);
        const quote = this.quotes.get(id)!;
        const speaker = this.knowledge.people.find((p) => p.id === quote.speaker)!;
        // The speaker's role is said once; a second quote from the same person follows as "also said".
        const again = quotes.at(-1)?.speaker === speaker.name;
        quotes.push({ speaker: speaker.name, role: speaker.role, text: quote.text, paragraph: quote.paragraph });
        const who = again ? `${speaker.name} also said` : `${speaker.name}, ${speaker.role}, said`;
        parts.push(`${who}: "${quote.text}" (${where(quote.paragraph)}).`);
        addSource({ paragraph: quote.paragraph, text: this.paragraphText(quote.paragraph) });
      }
    }
    return { text: parts.join('\n'), sources, quotes };
  }

  private listPeople(addSource: (s: ReplySource) => void): string {
    const people = this.knowledge.people;
    for (const p of people) this.addMentionSource(p.name, addSource);
    const items = people.map((p) => `${p.name}, ${p.role}`);
    return `The article quotes these people: ${joinList(items, '; ')}.`;
  }

  private listOrganizations(addSource: (s: ReplySource) => void): string {
    const organizations = this.knowledge.organizations;
    for (const o of organizations) this.addMentionSource(o.name, addSource);
    const items = organizations.map((o) => `${o.name} (${o.description})`);
    return `The article mentions these companies and organizations: ${joinList(items, '; ')}.`;
  }

  /** Cites the first sentence of the article that names `name`. */
  private addMentionSource(name: string, addSource: (s: ReplySource) => void): void {
    let source = this.mentionSources.get(name);
    if (source === undefined) {
      source = this.findMentionSource(name);
      this.mentionSources.set(name, source);
    }
    // A copy: a reply is the caller's to change, the remembered source is not.
    if (source) addSource({ ...source });
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

/** "paragraph 5", or the copyright notice for facts that come from it. */
function where(paragraph: number | null): string {
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
function sentences(text: string): string[] {
  return text.split(/(?<=[.!?]"?)\s+(?=["A-Z])/);
}

/** The reply for an answered intent. */
export function toReply(intent: string, confidence: number, answer: Answer, suggestions: string[]): Reply {
  return { text: answer.text, intent, confidence, fallback: false, sources: answer.sources, quotes: answer.quotes, suggestions };
}

/** The reply when the article gives no answer: no intent, no sources, no quotes. */
export function fallbackReply(text: string, confidence: number, suggestions: string[]): Reply {
  return { text, intent: null, confidence, fallback: true, sources: [], quotes: [], suggestions };
}
