import { editDistance, tokenize } from './text.js';
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
  he: [
    ['he', false],
    ['him', false],
    ['his', true],
    ['himself', false],
  ],
  she: [
    ['she', false],
    ['hers', true],
    ['her', true],
    ['herself', false],
  ],
  it: [
    ['it', false],
    ['its', true],
    ['itself', false],
  ],
  they: [
    ['they', false],
    ['them', false],
    ['their', true],
    ['theirs', true],
  ],
};

const PRONOUNS = new Map<string, Pronoun>(
  (Object.keys(PRONOUN_FORMS) as Pronoun[]).flatMap((p) => PRONOUN_FORMS[p].map(([word]) => [word, p] as const)),
);

interface Phrase {
  tokens: string[];
  ref: EntityRef;
}

/** Shortest name token that a misspelling next to the rest of the name may stand for ("sheen" for "shen"). */
const MIN_FUZZY_NAME_TOKEN = 4;

/**
 * Finds the article's people, organizations and places in tokenized text by name or alias, longest phrase
 * first, so "He Miao" is a person and not the pronoun "he". Names are also found
 * - written with other spacing: "linked in", "tian ji", "jin xiao lei", "derekshen";
 * - misspelt next to the rest of the name, even when the misspelling is an English word: "derek sheen",
 *   "china broadband capitol", "tianjin.com". A word on its own is never taken for a name it resembles, so
 *   "Tianjin" (a city) is not Tianji.com and "then" is not Shen.
 */
export class EntityMatcher {
  private readonly phrasesByFirstToken = new Map<string, Phrase[]>();
  /** Multi-word names by their words run together ("linkedin" for "linked in" is the reverse case). */
  private readonly byConcatenation = new Map<string, Phrase>();
  /** Multi-word names by each of their words, for matching a name with one word misspelt. */
  private readonly multiWordByWord = new Map<string, Phrase[]>();
  private readonly nameWords = new Set<string>();
  /** Every start of a name run together ("l", "li", ..., "linkedin"): a run of tokens that is not one is no name. */
  private readonly concatenationPrefixes = new Set<string>();

  constructor(knowledge: Pick<Knowledge, 'people' | 'organizations' | 'places'>) {
    const add = (name: string, ref: EntityRef) => {
      const tokens = tokenize(name);
      if (tokens.length === 0) return;
      const phrase = { tokens, ref };
      const list = this.phrasesByFirstToken.get(tokens[0]!) ?? [];
      list.push(phrase);
      list.sort((a, b) => b.tokens.length - a.tokens.length);
      this.phrasesByFirstToken.set(tokens[0]!, list);
      const joined = tokens.join('');
      const known = this.byConcatenation.get(joined);
      if (!known || known.tokens.length < tokens.length) this.byConcatenation.set(joined, phrase);
      if (tokens.length > 1) {
        for (const t of new Set(tokens)) this.multiWordByWord.set(t, [...(this.multiWordByWord.get(t) ?? []), phrase]);
      }
      for (const t of tokens) this.nameWords.add(t);
      for (let n = 1; n <= joined.length; n++) this.concatenationPrefixes.add(joined.slice(0, n));
    };
    for (const p of knowledge.people) for (const n of [p.name, ...p.aliases]) add(n, { id: p.id, kind: 'person' });
    for (const o of knowledge.organizations) {
      for (const n of [o.name, ...o.aliases]) add(n, { id: o.id, kind: 'organization' });
    }
    for (const p of knowledge.places) for (const n of [p.name, ...p.aliases]) add(n, { id: p.id, kind: 'place' });
  }

  /** Every word of every name, for the spelling corrector's vocabulary. */
  nameTokens(): string[] {
    return [...this.nameWords];
  }

  /** Entity mentions in order of appearance; overlapping names resolve to the longest. */
  find(tokens: readonly string[]): Mention[] {
    const mentions: Mention[] = [];
    let i = 0;
    while (i < tokens.length) {
      // The longest of the ways a name may be written: "china broadband capitol" is not the place China.
      let found: { ref: EntityRef; length: number } | null = null;
      for (const match of [this.exact(tokens, i), this.respaced(tokens, i), this.misspelt(tokens, i)]) {
        if (match && (!found || match.length > found.length)) found = match;
      }
      if (found) {
        mentions.push({ ...found.ref, start: i, end: i + found.length });
        i += found.length;
      } else {
        i += 1;
      }
    }
    return mentions;
  }

  private exact(tokens: readonly string[], i: number): { ref: EntityRef; length: number } | null {
    const phrase = (this.phrasesByFirstToken.get(tokens[i]!) ?? []).find((p) =>
      p.tokens.every((t, k) => tokens[i + k] === t),
    );
    return phrase ? { ref: phrase.ref, length: phrase.tokens.length } : null;
  }

  /** Two or three tokens that run together into a name ("linked in"), or one token that is a name run together. */
  private respaced(tokens: readonly string[], i: number): { ref: EntityRef; length: number } | null {
    let best: { ref: EntityRef; length: number } | null = null;
    let run = '';
    for (let length = 1; length <= 3 && i + length <= tokens.length; length++) {
      run += tokens[i + length - 1]!;
      if (!this.concatenationPrefixes.has(run)) break;
      const phrase = this.byConcatenation.get(run);
      // One token is "respaced" only when it stands for several ("derekshen"); otherwise it is an exact match.
      if (phrase && (length > 1 || phrase.tokens.length > 1)) best = { ref: phrase.ref, length };
    }
    return best;
  }

  /** A multi-word name with one word misspelt and the others exact. */
  private misspelt(tokens: readonly string[], i: number): { ref: EntityRef; length: number } | null {
    const candidates = [
      ...(this.multiWordByWord.get(tokens[i]!) ?? []),
      ...(this.multiWordByWord.get(tokens[i + 1] ?? '') ?? []),
    ];
    if (candidates.length === 0) return null;
    let best: Phrase | null = null;
    for (const phrase of candidates) {
      const n = phrase.tokens.length;
      if (i + n > tokens.length || (best && best.tokens.length >= n)) continue;
      let exact = 0;
      let close = true;
      for (let k = 0; k < n && close; k++) {
        const said = tokens[i + k]!;
        const name = phrase.tokens[k]!;
        if (said === name) exact++;
        else
          close =
            name.length >= MIN_FUZZY_NAME_TOKEN &&
            said[0] === name[0] &&
            editDistance(said, name, allowed(name)) <= allowed(name);
      }
      // Every word but one exact, so "the miao" or "china news" alone are not a guess at someone.
      if (close && exact >= n - 1 && exact > 0) best = phrase;
    }
    return best ? { ref: best.ref, length: best.tokens.length } : null;
  }
}

function allowed(name: string): number {
  return name.length >= 7 ? 2 : 1;
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
