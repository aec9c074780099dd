import { type AnswerKind, type QuestionFrame, timesFit, timesIn } from './question.js';
import type { Analysis } from './recognizer.js';
import { stem } from './text.js';
import type { Fact, FactDetails, Knowledge, Quote } from './types.js';

/** A figure as a number, to compare two figures of the same kind. */
export interface Figure {
  value: number;
  percent: boolean;
}

/** A fact with what it can answer: its kinds of answer, times, places and figure. */
export interface FactInfo {
  fact: Fact;
  kinds: ReadonlySet<AnswerKind>;
  times: readonly string[];
  /** Place ids (and "world") where the fact holds; empty when it names no place. */
  scope: readonly string[];
  figure: Figure | null;
  /** Ids of the people, organizations and places its statement names. */
  entities: readonly string[];
  /** The people among them. */
  people: readonly string[];
  /** The places among them. */
  places: readonly string[];
  /** Stems of its statement's words, to check that what a question counts is what the fact counts. */
  words: ReadonlySet<string>;
}

/** "Who is the owner", "who are its partners": asking who by a role, not a deed. */
const BEING: ReadonlySet<string> = new Set(['is', 'was', 'are', 'were']);

/** Titles a question may ask a person by, which a fact must then give ("president"), unlike "head" or "boss". */
const TITLES: ReadonlySet<string> = new Set(['ceo', 'president', 'founder', 'founders', 'director', 'chairman']);

/** Words for the people a platform counts: a question counting "customers" is answered by a count of "users". */
const USER_WORDS: ReadonlySet<string> = new Set([
  'profil',
  'nation',
  'user',
  'member',
  'peopl',
  'custom',
  'subscrib',
  'account',
  'client',
  'folk',
  'registr',
  'signup',
  'sign',
  'netizen',
  'profession',
  'talent',
  'person',
]);

const WEEKDAYS = /\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/i;
const MONTH = /\b(january|february|march|april|may|june|july|august|september|october|november|december)\b/i;
const BEGINNING = /\b(founded|launched|established|created|set up|started)\b/i;

/** Reads a figure written as the article writes them: "more than 300 million", "80 percent", "500,000". */
export function parseFigure(text: string): Figure | null {
  const match = /(\d[\d,]*(?:\.\d+)?)\s*(million|billion|thousand|percent)?/i.exec(text);
  if (!match) return null;
  const scale = { million: 1e6, billion: 1e9, thousand: 1e3, percent: 1 }[match[2]?.toLowerCase() ?? ''] ?? 1;
  return { value: Number(match[1]!.replace(/,/g, '')) * scale, percent: match[2]?.toLowerCase() === 'percent' };
}

/**
 * What each fact can answer. `analyze` reads text as the recognizer does, for the entities a statement names and
 * the words it says.
 */
export function describeFacts(knowledge: Knowledge, analyze: (text: string) => Analysis): Map<string, FactInfo> {
  const placeType = new Map(knowledge.places.map((p) => [p.id, p.type]));
  const isPlace = (id: string) => placeType.has(id);
  const out = new Map<string, FactInfo>();
  for (const fact of knowledge.facts) {
    const read = analyze(fact.statement);
    const entities = [...new Set(read.mentions.map((m) => m.id))];
    // "LinkedIn China" names a branch, not where something is: a place right after an organization is not a "where".
    const located = read.mentions
      .filter(
        (m, i) =>
          m.kind === 'place' &&
          !(read.mentions[i - 1]?.kind === 'organization' && read.mentions[i - 1]!.end === m.start),
      )
      .map((m) => m.id);
    // A fact without details (an article whose data gives none) still holds the figure and date its statement says.
    const d = fact.details ?? implicitDetails(fact.statement);
    const kinds = new Set<AnswerKind>(['by']);
    if (d.figure) kinds.add('number');
    if (d.figure && /percent/i.test(d.figure)) kinds.add('percent');
    if (d.when) {
      kinds.add('when');
      if (/\b(19|20)\d\d\b/.test(d.when)) kinds.add('year');
      if (MONTH.test(d.when)) kinds.add('month');
      if (WEEKDAYS.test(d.when)) kinds.add('day');
      // "How old is Tianji?" is answered by its founding year; "how long has it been operating?" by that or a duration.
      const founding = /\b(19|20)\d\d\b/.test(d.when) && BEGINNING.test(fact.statement);
      if (founding) kinds.add('age');
      // "How long has he been with LinkedIn?" is answered by when he joined, too.
      kinds.add('duration');
    }
    if (d.said) {
      kinds.add('said-when');
      if (WEEKDAYS.test(d.said)) kinds.add('day');
    }
    // Where: the place a detail gives, or the places the statement names.
    const placesNamed = [...(d.where ? analyze(d.where).mentions.map((m) => m.id) : []), ...located].filter(isPlace);
    if (d.where || placesNamed.length > 0) kinds.add('where');
    for (const id of placesNamed) {
      const type = placeType.get(id);
      if (type === 'city') kinds.add('city');
      if (type === 'country') kinds.add('country');
    }
    if (d.compared) kinds.add('compared');
    if (d.why) kinds.add('why');
    out.set(fact.id, {
      fact,
      kinds,
      times: timesIn(`${d.when ?? ''} ${fact.statement}`),
      scope: fact.scope ?? entities.filter(isPlace),
      figure: d.figure ? parseFigure(d.figure) : null,
      entities,
      words: new Set(read.features),
      people: entities.filter((id) => knowledge.people.some((p) => p.id === id)),
      places: entities.filter(isPlace),
    });
  }
  return out;
}

/** The figure and the time a statement says, in its own words: "85 members", "in March 2021". */
function implicitDetails(statement: string): FactDetails {
  const details: FactDetails = {};
  const figure =
    /\b(?:more than |nearly |about |over |almost )?\d[\d,.]*(?: (?:million|billion|thousand|percent))?/i.exec(
      statement,
    );
  if (figure) details.figure = figure[0];
  const when =
    /\b(?:in|on|by|since|at the end of|early|late) (?:(?:January|February|March|April|May|June|July|August|September|October|November|December)(?: \d{4})?|\d{4})\b/.exec(
      statement,
    );
  if (when) details.when = when[0];
  return details;
}

/** Why a fact does not answer a question: the kind it lacks, or the time or place it does not cover. */
export type Misfit = { kind: AnswerKind } | { time: string } | { place: string } | null;

/** What a question asks that facts are checked against: its frame, and the article's places and names it gives. */
export interface Asked {
  frame: QuestionFrame;
  /** Ids of the article's places the question names. */
  places: readonly string[];
  /** Ids of the people and organizations the question names. */
  named: readonly string[];
  /** Whether the question has a topic of its own beyond what it asks ("why do Chinese need a separate platform?"). */
  topical: boolean;
  /** Stems of what "how many" counts; empty when it says nothing. */
  counted: readonly string[];
  /** Per place of the article, the place it is in ("beijing" -> "china"). */
  within: ReadonlyMap<string, string>;
  /** Stems of the utterances of the intent whose fact this is, if any: what it was taught its figure counts. */
  taught?: ReadonlySet<string>;
}

/**
 * Whether a fact answers what the question asks, or why not: the kind of answer, what is counted, the time, the
 * place. A fact naming places holds for those only, and a worldwide figure is not one for a country.
 */
export function misfit(info: FactInfo, asked: Asked): Misfit {
  const { frame, places } = asked;
  // "Why ...?" with a topic of its own is answered by what the article says of the topic, reason or not.
  const kind = frame.kind === 'why' && asked.topical ? null : frame.kind;
  if (kind && !answersKind(info, kind, asked)) return { kind };
  // "How many employees" is not answered by a count of users, nor "how many new users" by a percentage.
  if (asked.counted.length > 0 && info.figure && !asked.counted.includes('percent')) {
    const counted = asked.counted.some((w) => counts(info, w) || asked.taught?.has(w));
    if ((info.figure.percent && !frame.portion) || !counted) return { kind: 'number' };
  }
  // "Is it based in Shanghai?", "Did it grow in March?": the fact answers by saying where, or when.
  if (frame.yesNo) return frame.otherPlaces[0] ? { place: frame.otherPlaces[0].name } : null;
  if (!timesFit(frame.times, info.times)) return { time: frame.times.find((t) => !timesFit([t], info.times))! };
  const other = frame.otherPlaces[0];
  if (other) return { place: other.name };
  const scoped = info.scope.length > 0;
  if (frame.scope.includes('world') && scoped && !info.scope.includes('world')) return { place: 'world' };
  if (frame.scope.includes('outside') && scoped && !info.scope.includes('world')) return { place: 'outside' };
  for (const p of places) {
    if (!scoped || info.scope.includes(p)) continue;
    // What holds for China holds in Beijing; China's figures are not Beijing's.
    const within = asked.within.get(p);
    if (within && info.scope.includes(within) && !asksAmountOf(asked)) continue;
    return { place: p };
  }
  return null;
}

/** Whether the question asks an amount: "how many", "what percentage", "how much". */
export function asksAmountOf(asked: Asked): boolean {
  return asked.frame.kind === 'number' || asked.frame.kind === 'percent' || asked.counted.length > 0;
}

function answersKind(info: FactInfo, kind: AnswerKind, asked: Asked): boolean {
  // "Who is its CEO?" is answered by a fact naming a person; "who runs LinkedIn China?" also by an organization
  // the question does not name.
  // "Who is its CEO?" asks a title: a fact naming someone answers only when it gives them that title, so the
  // report that Derek Shen said something does not make him anyone's CEO. "Who is its boss?" asks no title.
  if (kind === 'person') {
    const title = asked.frame.kindWords.find((w) => TITLES.has(w));
    return info.people.length > 0 && (!title || info.words.has(stem(title)));
  }
  // "Which universities?" is answered by a fact that names an organization the question does not.
  if (kind === 'which') {
    return namesAnotherOrganization(info, asked);
  }
  // An organization answers "who founded", "who runs" only in a fact that says that deed: "Who created the joint
  // venture?" is answered by "LinkedIn created a joint venture", but "Who founded it?" not by a sentence about
  // Tianji that names LinkedIn. "Who are its partners?" names no deed: any other organization named answers.
  if (kind === 'agent') {
    const [, deed] = asked.frame.kindWords;
    const doesIt = !deed || BEING.has(deed) || info.words.has(stem(deed));
    return info.people.length > 0 || (doesIt && namesAnotherOrganization(info, asked));
  }
  return info.kinds.has(kind);
}

/** Whether the fact names an organization (not a person, not one of its places) that the question does not. */
function namesAnotherOrganization(info: FactInfo, asked: Asked): boolean {
  return [info.fact.subject, ...info.entities].some(
    (id) => !asked.named.includes(id) && !info.people.includes(id) && !isPlaceIn(info, id),
  );
}

/** Whether an entity a fact names is one of its places. */
function isPlaceIn(info: FactInfo, id: string): boolean {
  return info.scope.includes(id) || info.places.includes(id);
}

/** Whether the fact counts what the question counts: the same word, or both words for a platform's people. */
function counts(info: FactInfo, counted: string): boolean {
  return info.words.has(counted) || (USER_WORDS.has(counted) && [...info.words].some((w) => USER_WORDS.has(w)));
}

/** "fact:<id>" or "quote:<id>": a passage's key (a sentence is keyed by the fact it rests on). */
export function passageKey(p: Passage): string {
  if ('quote' in p) return `quote:${p.quote.id}`;
  return `fact:${('fact' in p ? p.fact : p.sentence).fact.id}`;
}

/** One passage of the article a question may be answered from: a fact, a quote, or a fact's source sentence. */
export type Passage = { fact: FactInfo } | { quote: Quote } | { sentence: FactInfo };

/** The article's words for a fact's detail of this kind, if it has one. */
export function detailOf(info: FactInfo, kind: AnswerKind): string | undefined {
  const d = info.fact.details ?? {};
  if (kind === 'number' || kind === 'percent') return d.figure;
  if (kind === 'when' || kind === 'year' || kind === 'month' || kind === 'day' || kind === 'age')
    return d.when ?? d.said;
  if (kind === 'said-when') return d.said;
  if (kind === 'where' || kind === 'city' || kind === 'country') return d.where;
  if (kind === 'compared') return d.compared;
  if (kind === 'why') return d.why;
  return undefined;
}

/** Whether a fact's statement itself says its detail of this kind (so saying the statement answers the question). */
export function statementHolds(info: FactInfo, kind: AnswerKind): boolean {
  const detail = detailOf(info, kind);
  if (detail === undefined || info.fact.statement.toLowerCase().includes(detail.toLowerCase())) return true;
  // "LinkedIn is based in the United States" says "United States-based" in other words: the place is there.
  if (kind === 'where' || kind === 'city' || kind === 'country')
    return info.scope.some((p) => p !== 'world') || info.entities.length > 1;
  return false;
}

/**
 * Finds the facts and quotes whose words best cover a question's content words, for questions no intent is
 * sure of ("In which city does Shen's team work?" is covered by "his Beijing-based team"). The score is the
 * share of the question's content, weighted by rarity, that the passage holds (synonyms count half): a
 * passage cannot score high on a question about something else.
 */
export class PassageIndex {
  /** Each passage's words: a fact's are its statement's and its sentence's; `own` are its statement's alone. */
  private readonly passages: { passage: Passage; features: Set<string>; own: Set<string> }[] = [];
  private readonly byKey = new Map<string, Set<string>>();
  private readonly idf = new Map<string, number>();
  private readonly unseen: number;
  /** Per word, the passages (by position) that hold it: a search looks only at those. */
  private readonly postings = new Map<string, number[]>();
  /** Per question analysed, each candidate passage's coverage, computed once for the searches of a turn. */
  private readonly scored = new WeakMap<Analysis, { index: number; score: number }[]>();

  constructor(facts: Iterable<FactInfo>, quotes: readonly Quote[], analyze: (text: string) => Analysis) {
    for (const info of facts) {
      const own = new Set(analyze(info.fact.statement).content);
      for (const w of info.words) if (!w.includes('_')) own.add(w);
      own.add(`@${info.fact.subject}`);
      const features = new Set([...own, ...analyze(info.fact.source).content]);
      this.passages.push({ passage: { fact: info }, features, own });
    }
    for (const quote of quotes) {
      const features = new Set([...analyze(quote.text).content, `@${quote.speaker}`]);
      this.passages.push({ passage: { quote }, features, own: features });
    }
    for (const p of this.passages) this.byKey.set(passageKey(p.passage), p.features);
    this.passages.forEach((p, index) => {
      for (const f of p.features) {
        const list = this.postings.get(f);
        if (list) list.push(index);
        else this.postings.set(f, [index]);
      }
    });
    const df = new Map<string, number>();
    for (const p of this.passages) for (const f of p.features) df.set(f, (df.get(f) ?? 0) + 1);
    const n = this.passages.length;
    for (const [f, count] of df) this.idf.set(f, Math.log((n + 1) / (count + 0.5)));
    this.unseen = Math.log((n + 1) / 0.5);
  }

  /** The words a passage is indexed by. */
  wordsOf(passage: Passage): ReadonlySet<string> {
    return this.wordsOfKey(passageKey(passage));
  }

  /** The words of the passage with this key ("fact:<id>" or "quote:<id>"). */
  wordsOfKey(key: string): ReadonlySet<string> {
    return this.byKey.get(key) ?? new Set();
  }

  /** The coverage of the question's content (0 to 1, synonyms at half) by each of these passages, in their order. */
  coverage(analysis: Analysis, passages: readonly Passage[]): number[] {
    const weights = this.weights(analysis);
    const total = weights.reduce((sum, [, w]) => sum + w, 0);
    return passages.map((p) => {
      const features = this.byKey.get(passageKey(p));
      return features && total > 0 ? Math.min(1, this.covered(features, weights, analysis.synonyms) / total) : 0;
    });
  }

  /** The weight of the question's words a passage holds, its synonyms at half. */
  private covered(features: ReadonlySet<string>, weights: [string, number][], synonyms: readonly string[]): number {
    let covered = 0;
    for (const [f, w] of weights) if (features.has(f)) covered += w;
    for (const s of synonyms) if (features.has(s)) covered += 0.5 * (this.idf.get(s) ?? 0);
    return covered;
  }

  /** Each distinct content word of the question with its weight, its rarity among the passages. */
  private weights(analysis: Analysis): [string, number][] {
    const weights = new Map<string, number>();
    for (const f of analysis.content) weights.set(f, this.idf.get(f) ?? this.unseen);
    return [...weights];
  }

  /**
   * The best-covered passages for the question's content (and its synonyms), best first, with their coverage
   * (0 to 1); only passages `accept` lets through. Of two facts from one sentence, the one whose statement holds
   * the question's words leads ("where will LinkedIn hold seminars?" is the campaigns, not the advertisements).
   */

  search(
    analysis: Analysis,
    accept: (p: Passage) => boolean,
    limit = 3,
    least = 0,
  ): { passage: Passage; score: number }[] {
    const out: { passage: Passage; score: number }[] = [];
    // Best first, so `accept` (which may check a fact against the question) is asked only until enough are found.
    for (const { index, score } of this.ranked(analysis)) {
      if (out.length >= limit || score < least) break;
      const { passage } = this.passages[index]!;
      if (accept(passage)) out.push({ passage, score });
    }
    return out;
  }

  /** The passages holding any of the question's words or synonyms, best covered first, with their coverage. */
  private ranked(analysis: Analysis): { index: number; score: number }[] {
    let candidates = this.scored.get(analysis);
    if (candidates) return candidates;
    const scored: { index: number; score: number; ownScore: number }[] = [];
    const weights = this.weights(analysis);
    const total = weights.reduce((sum, [, w]) => sum + w, 0);
    if (total > 0) {
      const indexes = new Set<number>();
      for (const [f] of weights) for (const i of this.postings.get(f) ?? []) indexes.add(i);
      for (const s of analysis.synonyms) for (const i of this.postings.get(s) ?? []) indexes.add(i);
      for (const index of [...indexes].sort((a, b) => a - b)) {
        const { features, own } = this.passages[index]!;
        const covered = this.covered(features, weights, analysis.synonyms);
        if (covered === 0) continue;
        let ownScore = 0;
        for (const [f, w] of weights) if (own.has(f)) ownScore += w;
        scored.push({ index, score: Math.min(1, covered / total), ownScore });
      }
    }
    // Ties keep the passages' order (the sort is stable).
    candidates = scored.sort((a, b) => b.score - a.score || b.ownScore - a.ownScore);
    this.scored.set(analysis, candidates);
    return candidates;
  }
}
