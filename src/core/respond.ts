import { Answerer, fallbackReply, joinList, toReply } from './answerer.js';
import { PRONOUN_FORMS, type Mention, type Pronoun } from './entities.js';
import type { RecognitionResult, Recognizer } from './recognizer.js';
import { normalizeQuestion } from './text.js';
import { emptyState, type ConversationState, type EntityRef, type Intent, type Knowledge, type Reply } from './types.js';

/** Entities remembered per conversation for pronouns and follow-ups. */
const MAX_REMEMBERED = 6;
const MAX_SUGGESTIONS = 3;
/** The aspect of intents that say who or what an entity is. */
const PROFILE = 'profile';
/** Words that may surround a bare entity in a question asking who or what it is: "Who is He Miao?" */
const PROFILE_WORDS: ReadonlySet<string> = new Set([
  'who', 'what', 'is', 'are', 'was', 'tell', 'me', 'us', 'about', 'exactly', 'describe', 'explain', 'the', 'a',
  'an', 'please', 'so', 'again', 'more', 'know', 'do', 'you', 'i', 'want', 'to', 'can', 'could',
]);

/** Words that may surround a bare entity in an elliptical follow-up: "And LinkedIn?", "What about Tianji?" */
const ELLIPSIS_WORDS: ReadonlySet<string> = new Set([
  'and', 'what', 'about', 'how', 'for', 'with', 'then', 'the', 'of', 'also', 'same', 'question', 'ok', 'okay', 'now',
]);

/** The result of one turn: what to say and what to remember. */
export interface Turn {
  reply: Reply;
  state: ConversationState;
}

/** Everything the core needs, built once at start-up. */
export interface EngineParts {
  knowledge: Knowledge;
  intents: readonly Intent[];
  recognizer: Recognizer;
}

/** Why a turn ends in a fallback; shapes the apology. */
type Miss =
  | { kind: 'unknown' }
  | { kind: 'entity'; entity: string }
  /** A pronoun with nobody in the conversation yet that could mean several entities. */
  | { kind: 'ambiguous'; pronoun: Pronoun; entities: string[] };

type Resolution = { intents: Intent[]; confidence: number } | { miss: Miss; confidence: number };

/**
 * The answering engine: `respond(question, state)` is a pure function of its inputs (no I/O, no clock,
 * no randomness) returning the reply and the conversation's next state.
 */
export class Engine {
  private readonly byName: Map<string, Intent>;
  private readonly kinds: Map<string, EntityRef['kind']>;
  private readonly answerer: Answerer;
  private readonly defaultSuggestions: string[];
  /** Every intent's suggestions, normalised once: they are compared with each question asked. */
  private readonly normalizedSuggestions: Map<string, string>;

  constructor(private readonly parts: EngineParts) {
    this.byName = new Map(parts.intents.map((i) => [i.intent, i]));
    const { people, organizations, places } = parts.knowledge;
    this.kinds = new Map([
      ...places.map((p) => [p.id, 'place'] as const),
      ...organizations.map((o) => [o.id, 'organization'] as const),
      ...people.map((p) => [p.id, 'person'] as const),
    ]);
    this.answerer = new Answerer(parts.knowledge);
    this.defaultSuggestions = this.byName.get('smalltalk.help')?.suggestions ?? [];
    this.normalizedSuggestions = new Map(
      parts.intents.flatMap((i) => i.suggestions ?? []).map((s) => [s, normalizeQuestion(s)]),
    );
  }

  /** The greeting a channel sends when someone joins: the greeting intent's answer, no question needed. */
  welcome(): Reply {
    const greeting = this.byName.get('smalltalk.greeting');
    if (!greeting) throw new Error('intents/ has no smalltalk.greeting intent to welcome users with');
    return toReply(greeting.intent, 1, this.answerer.answer([greeting]), greeting.suggestions ?? []);
  }

  /** Answers one question in the context of `state` (a new conversation when omitted). */
  respond(question: string, state: ConversationState = emptyState()): Turn {
    const recognition = this.parts.recognizer.recognize(question);
    const resolution = this.resolve(recognition, state);
    const mentioned = recognition.analysis.mentions.map(({ id, kind }) => ({ id, kind }));
    if ('miss' in resolution) {
      return {
        reply: this.fallback(question, resolution.miss, resolution.confidence),
        state: remember(state, mentioned, state.lastIntent),
      };
    }
    const { intents, confidence } = resolution;
    const answer = this.answerer.answer(intents);
    const primary = intents[0]!;
    const suggestions = this.suggest(question, intents.flatMap((i) => i.suggestions ?? []));
    const about = intents.flatMap((i) => i.about).map((id) => this.ref(id));
    return {
      reply: toReply(primary.intent, confidence, answer, suggestions),
      state: remember(state, [...mentioned, ...about], primary.intent),
    };
  }

  /**
   * Turns the recognizer's verdict into the intents to answer, using the conversation: an elliptical
   * "And LinkedIn?" repeats the last question's aspect for a new entity; a pronoun or a named entity moves
   * the question to the intent with the same aspect for that entity; a named entity the recognized intent
   * is not about, with no such intent for it, is a near miss the article does not answer.
   */
  private resolve(rec: RecognitionResult, state: ConversationState): Resolution {
    const { mentions, pronouns, tokens } = rec.analysis;
    const last = state.lastIntent ? this.byName.get(state.lastIntent) : undefined;

    if (mentions.length > 0) {
      // "And LinkedIn?" asks the last question again about LinkedIn; "Tianji?" and "What is WeChat exactly?"
      // ask who or what it is.
      const entity = mentions[0]!.id;
      if (last?.aspect && onlyEntityAnd(ELLIPSIS_WORDS, tokens, mentions)) {
        const found = this.withAspect(last.aspect, entity);
        return found.length > 0 ? { intents: found, confidence: 1 } : { miss: { kind: 'entity', entity }, confidence: 1 };
      }
      if (onlyEntityAnd(PROFILE_WORDS, tokens, mentions)) {
        const found = this.withAspect(PROFILE, entity);
        if (found.length > 0) return { intents: found, confidence: 1 };
      }
    }

    const intent = rec.intent ? this.byName.get(rec.intent) : undefined;
    if (!intent) return { miss: { kind: 'unknown' }, confidence: rec.confidence };
    if (intent.about.length === 0 || !intent.aspect) return { intents: [intent], confidence: rec.confidence };

    // A named person or organization decides what the question is about.
    const named = mentions.filter((m) => m.kind !== 'place');
    if (named.length > 0 && !named.some((m) => intent.about.includes(m.id))) {
      return this.moveTo(intent, named, rec.confidence);
    }
    // A place the intent does not concern makes it another question: "the president of the United States"
    // is not Derek Shen, and the article gives no LinkedIn member count "in the United States".
    const places = mentions.filter((m) => m.kind === 'place' && !intent.about.includes(m.id));
    if (places.length > 0) return this.moveTo(intent, places, rec.confidence);
    if (named.length > 0) return { intents: [intent], confidence: rec.confidence };

    const pronoun = pronouns[0];
    let referent = pronoun ? resolvePronoun(pronoun, state.entities, this.parts.knowledge) : null;
    if (pronoun && referent === null) {
      // Nobody in the conversation yet: "he" can only be Derek Shen, but "she" may be He Miao or Jin Xiaolei,
      // and "How many users does it have?" may be about LinkedIn, WeChat or Tianji.com.
      const candidates = this.candidates(pronoun).filter((id) => this.withAspect(intent.aspect!, id).length > 0);
      if (candidates.length > 1) {
        return { miss: { kind: 'ambiguous', pronoun, entities: candidates }, confidence: rec.confidence };
      }
      referent = candidates[0] ?? null;
    }
    if (referent && !intent.about.includes(referent)) {
      const found = this.withAspect(intent.aspect, referent);
      if (found.length > 0) return { intents: found.slice(0, 1), confidence: rec.confidence };
    }
    return { intents: [intent], confidence: rec.confidence };
  }

  /** The intent with the same aspect about the first of `entities` that has one, else a near miss. */
  private moveTo(intent: Intent, entities: readonly Mention[], confidence: number): Resolution {
    for (const m of entities) {
      const found = this.withAspect(intent.aspect!, m.id);
      if (found.length > 0) return { intents: found.slice(0, 1), confidence };
    }
    return { miss: { kind: 'entity', entity: entities[0]!.id }, confidence };
  }

  /** Who a pronoun may stand for: people of that pronoun for he/she, organizations for it/they. */
  private candidates(pronoun: Pronoun): string[] {
    const { people, organizations } = this.parts.knowledge;
    if (pronoun === 'it' || pronoun === 'they') return organizations.map((o) => o.id);
    return people.filter((p) => p.pronoun === pronoun).map((p) => p.id);
  }

  /** Intents asking `aspect` about `entity` as their main subject. */
  private withAspect(aspect: string, entity: string): Intent[] {
    return this.parts.intents.filter((i) => i.aspect === aspect && i.about[0] === entity);
  }

  private ref(id: string): EntityRef {
    return { id, kind: this.kinds.get(id) ?? 'place' };
  }

  private fallback(question: string, miss: Miss, confidence: number): Reply {
    if (miss.kind === 'ambiguous') return this.clarify(question, miss.pronoun, miss.entities, confidence);
    const suggestions =
      miss.kind === 'entity' ? this.suggestAbout(question, miss.entity) : this.suggest(question, this.defaultSuggestions);
    const subject = miss.kind === 'entity' ? ` about ${this.answerer.nameOf(miss.entity)}` : '';
    const asks = suggestions.map((s) => `"${s}"`);
    const text =
      `Sorry, the article does not say that${subject}; I only answer from what it says.` +
      (asks.length > 0 ? ` You could ask: ${joinList(asks)}` : '');
    return fallbackReply(text, confidence, suggestions);
  }

  /** Asks who a pronoun means, suggesting the question again with each name in its place. */
  private clarify(question: string, pronoun: Pronoun, entities: string[], confidence: number): Reply {
    const names = entities.map((id) => this.answerer.nameOf(id));
    const suggestions = names.map((name) => replacePronoun(question.trim(), pronoun, name));
    return fallbackReply(`Who do you mean: ${joinList(names, ', ', 'or')}?`, confidence, suggestions);
  }

  /** Up to three suggestions, none of them the question just asked. */
  private suggest(question: string, candidates: readonly string[]): string[] {
    const asked = normalizeQuestion(question);
    const out: string[] = [];
    for (const s of candidates) {
      const normalized = this.normalizedSuggestions.get(s) ?? normalizeQuestion(s);
      if (normalized !== asked && !out.includes(s)) out.push(s);
      if (out.length === MAX_SUGGESTIONS) break;
    }
    return out;
  }

  /** Suggestions that the article does answer about an entity, else the general ones. */
  private suggestAbout(question: string, entity: string): string[] {
    const name = this.answerer.nameOf(entity);
    const related = this.parts.intents
      .filter((i) => i.about[0] === entity)
      .flatMap((i) => i.suggestions ?? [])
      .filter((s) => mentionsName(s, name));
    return this.suggest(question, [...related, ...this.defaultSuggestions]);
  }
}

/** Whether every token is part of an entity mention or one of `words`. */
function onlyEntityAnd(words: ReadonlySet<string>, tokens: readonly string[], mentions: readonly Mention[]): boolean {
  return tokens.every((t, i) => words.has(t) || mentions.some((m) => i >= m.start && i < m.end));
}

/** The most recent entity a pronoun can stand for: he/she a person of that pronoun, it/they an organization. */
export function resolvePronoun(pronoun: Pronoun, entities: readonly EntityRef[], knowledge: Knowledge): string | null {
  for (const e of entities) {
    if (pronoun === 'it' || pronoun === 'they') {
      if (e.kind === 'organization') return e.id;
    } else if (e.kind === 'person' && knowledge.people.find((p) => p.id === e.id)?.pronoun === pronoun) {
      return e.id;
    }
  }
  return null;
}

function remember(state: ConversationState, refs: readonly EntityRef[], lastIntent: string | null): ConversationState {
  const entities: EntityRef[] = [];
  for (const e of [...refs, ...state.entities]) {
    if (!entities.some((x) => x.id === e.id)) entities.push(e);
  }
  return { lastIntent, entities: entities.slice(0, MAX_REMEMBERED), turns: state.turns + 1 };
}

/** The question with its first pronoun of this kind replaced by a name: "What is her job?" -> "What is He Miao's job?" */
function replacePronoun(question: string, pronoun: Pronoun, name: string): string {
  for (const [form, possessive] of PRONOUN_FORMS[pronoun]) {
    const match = new RegExp(`\\b${form}\\b(\\s+\\w)?`, 'i').exec(question);
    if (!match) continue;
    // "her" before a noun is possessive; at the end ("talk to her") it is not.
    const replacement = possessive && (form !== 'her' || match[1]) ? `${name}'s` : name;
    return question.slice(0, match.index) + replacement + question.slice(match.index + form.length);
  }
  return question;
}

/** Whether `text` names the entity (by the first word of its name: "Tianji" for "Tianji.com"). */
function mentionsName(text: string, name: string): boolean {
  return normalizeQuestion(text).includes(normalizeQuestion(name).split(' ')[0]!);
}
