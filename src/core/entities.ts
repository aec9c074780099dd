import { tokenize } from './text.js';
import type { EntityRef, Knowledge } from './types.js';

/** An entity named in a question, and where: tokens `start` (inclusive) to `end` (exclusive). */
export interface Mention extends EntityRef {
  start: number;
  end: number;
}

/** Pronouns that may point back to an entity of the conversation. */
export type Pronoun = 'he' | 'she' | 'it' | 'they';

/** The words of each pronoun, and whether each is possessive ("her job" is "He Miao's job"). */
export const PRONOUN_FORMS: Readonly<Record<Pronoun, readonly (readonly [word: string, possessive: boolean])[]>> = {
  he: [['he', false], ['him', false], ['his', true], ['himself', false]],
  she: [['she', false], ['hers', true], ['her', true], ['herself', false]],
  it: [['it', false], ['its', true], ['itself', false]],
  they: [['they', false], ['them', false], ['their', true], ['theirs', true]],
};

const PRONOUNS = new Map<string, Pronoun>(
  (Object.keys(PRONOUN_FORMS) as Pronoun[]).flatMap((p) => PRONOUN_FORMS[p].map(([word]) => [word, p] as const)),
);

interface Phrase {
  tokens: string[];
  ref: EntityRef;
}

/**
 * Finds the article's people, organizations and places in tokenized text by name or alias, longest
 * phrase first, so "He Miao" is a person and not the pronoun "he".
 */
export class EntityMatcher {
  private readonly phrasesByFirstToken = new Map<string, Phrase[]>();

  constructor(knowledge: Knowledge) {
    const add = (name: string, ref: EntityRef) => {
      const tokens = tokenize(name);
      if (tokens.length === 0) return;
      const list = this.phrasesByFirstToken.get(tokens[0]!) ?? [];
      list.push({ tokens, ref });
      list.sort((a, b) => b.tokens.length - a.tokens.length);
      this.phrasesByFirstToken.set(tokens[0]!, list);
    };
    for (const p of knowledge.people) for (const n of [p.name, ...p.aliases]) add(n, { id: p.id, kind: 'person' });
    for (const o of knowledge.organizations) {
      for (const n of [o.name, ...o.aliases]) add(n, { id: o.id, kind: 'organization' });
    }
    for (const p of knowledge.places) for (const n of [p.name, ...p.aliases]) add(n, { id: p.id, kind: 'place' });
  }

  /** Every token that begins some name, for the spelling corrector's vocabulary. */
  nameTokens(): string[] {
    const out: string[] = [];
    for (const list of this.phrasesByFirstToken.values()) for (const p of list) out.push(...p.tokens);
    return out;
  }

  /** Entity mentions in order of appearance; overlapping names resolve to the longest. */
  find(tokens: readonly string[]): Mention[] {
    const mentions: Mention[] = [];
    let i = 0;
    while (i < tokens.length) {
      const phrase = (this.phrasesByFirstToken.get(tokens[i]!) ?? []).find((p) =>
        p.tokens.every((t, k) => tokens[i + k] === t),
      );
      if (phrase) {
        mentions.push({ ...phrase.ref, start: i, end: i + phrase.tokens.length });
        i += phrase.tokens.length;
      } else {
        i += 1;
      }
    }
    return mentions;
  }
}

/** Pronouns outside entity mentions, in order of appearance. */
export function findPronouns(tokens: readonly string[], mentions: readonly Mention[]): Pronoun[] {
  const out: Pronoun[] = [];
  tokens.forEach((t, i) => {
    const pronoun = PRONOUNS.get(t);
    if (pronoun && !mentions.some((m) => i >= m.start && i < m.end)) out.push(pronoun);
  });
  return out;
}
