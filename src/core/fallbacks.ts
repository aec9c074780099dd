import { type Answerer, fallbackReply, fill } from './answerer.js';
import { PRONOUN_FORMS, type Pronoun } from './entities.js';
import type { Lang } from './language.js';
import { normalizeQuestion } from './text.js';
import type { Intent, Reply } from './types.js';

/** The Chinese pronoun for each English one the core reads (the question is glossed from it). */
const CHINESE_PRONOUNS: Partial<Record<Pronoun, string>> = { he: '他', she: '她', it: '它', they: '他们' };

/** Suggestions given with a reply. */
const MAX_SUGGESTIONS = 3;

/** Why a turn ends in a fallback; shapes the apology. */
export type Miss =
  | { kind: 'unknown' }
  | { kind: 'entity'; entity: string }
  /** A pronoun with nobody in the conversation yet that could mean several entities. */
  | { kind: 'ambiguous'; pronoun: Pronoun; entities: string[] };

/**
 * What the bot says when the article does not answer, and the questions it suggests instead: "Sorry, the article
 * does not say that about LinkedIn...", "Who do you mean: He Miao or Jin Xiaolei?", and up to three questions it
 * does answer, never the one just asked.
 */
export class Fallbacks {
  /** The help intent's suggestions: what to ask when nothing nearer fits. */
  readonly defaults: readonly string[];
  /** Every intent's suggestions, normalised once: they are compared with each question asked. */
  private readonly normalized: Map<string, string>;
  private lastAsked: { question: string; normalized: string } | undefined;
  /** Per entity, the suggestions about it and then the general ones, found once (see {@link suggestAbout}). */
  private readonly related = new Map<string, readonly string[]>();

  constructor(
    private readonly intents: readonly Intent[],
    private readonly answerer: Answerer,
  ) {
    const { language } = answerer;
    const help = intents.find((i) => i.intent === 'smalltalk.help');
    this.defaults = help ? language.suggestions(help) : [];
    this.normalized = new Map(
      intents.flatMap((i) => language.suggestions(i)).map((s) => [s, normalizeQuestion(s)] as const),
    );
  }

  /** The reply for a question the article does not answer. */
  reply(question: string, miss: Miss, confidence: number): Reply {
    if (miss.kind === 'ambiguous') return this.clarify(question, miss.pronoun, miss.entities, confidence);
    const suggestions =
      miss.kind === 'entity' ? this.suggestAbout(question, miss.entity) : this.suggest(question, this.defaults);
    const { language } = this.answerer;
    const about = miss.kind === 'entity' ? fill(language.words.about, { name: this.answerer.nameOf(miss.entity) }) : '';
    const text = `${fill(language.templates.sorry, { about })} ${this.youCouldAsk(suggestions)}`.trim();
    return fallbackReply(text, confidence, suggestions, [], language.lang);
  }

  /** "You could ask: ..." with the suggestions, or nothing when there are none. */
  youCouldAsk(suggestions: readonly string[]): string {
    if (suggestions.length === 0) return '';
    const { language } = this.answerer;
    return fill(language.templates.youCouldAsk, {
      suggestions: language.join(suggestions.map((s) => language.quoted(s))),
    });
  }

  /** Asks who a pronoun means, suggesting the question again with each name in its place. */
  private clarify(question: string, pronoun: Pronoun, entities: string[], confidence: number): Reply {
    const { language } = this.answerer;
    const names = entities.map((id) => this.answerer.nameOf(id));
    const suggestions = names.map((name) => replacePronoun(question.trim(), pronoun, name, language.lang));
    const text = fill(language.templates.whoDoYouMean, { names: language.join(names, 'or') });
    return fallbackReply(text, confidence, suggestions, [], language.lang);
  }

  /** Up to three suggestions, none of them the question just asked. */
  suggest(question: string, candidates: readonly string[]): string[] {
    // A turn suggests for its question once or twice; the question is normalised once.
    if (this.lastAsked?.question !== question) this.lastAsked = { question, normalized: normalizeQuestion(question) };
    const asked = this.lastAsked.normalized;
    const out: string[] = [];
    for (const s of candidates) {
      const normalized = this.normalized.get(s) ?? normalizeQuestion(s);
      if (normalized !== asked && !out.includes(s)) out.push(s);
      if (out.length === MAX_SUGGESTIONS) break;
    }
    return out;
  }

  /** Suggestions that the article does answer about an entity, else the general ones. */
  suggestAbout(question: string, entity: string): string[] {
    let related = this.related.get(entity);
    if (!related) {
      const name = this.answerer.nameOf(entity);
      related = [
        ...this.intents
          .filter((i) => i.about[0] === entity)
          .flatMap((i) => this.answerer.language.suggestions(i))
          .filter((s) => mentionsName(s, name)),
        ...this.defaults,
      ];
      this.related.set(entity, related);
    }
    return this.suggest(question, related);
  }
}

/** The question with its first pronoun of this kind replaced by a name: "What is her job?" -> "What is He Miao's job?" */
function replacePronoun(question: string, pronoun: Pronoun, name: string, lang: Lang): string {
  if (lang === 'zh') {
    const form = CHINESE_PRONOUNS[pronoun];
    return form && question.includes(form) ? question.replace(form, name) : question;
  }
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
