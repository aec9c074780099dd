import type { Mention } from './entities.js';

/**
 * What kind of answer a question asks for. A fact answers a kind only when it holds it: "When was Tianji
 * founded?" asks `when` and "in 2005" is one; "Who founded Tianji?" asks `person` and the founding fact has none.
 */
export type AnswerKind =
  | 'when'
  | 'year'
  | 'month'
  | 'day'
  | 'date'
  | 'said-when'
  | 'where'
  | 'city'
  | 'country'
  | 'number'
  | 'percent'
  | 'money'
  | 'age'
  | 'duration'
  | 'why'
  | 'by'
  | 'compared'
  | 'person'
  | 'agent'
  | 'which'
  | 'name';

/** Words and phrases that ask for each kind, most specific first; matched against the question's tokens joined by spaces. */
const KIND_REGEXPS: readonly (readonly [AnswerKind, RegExp])[] = [
  [
    'by',
    /\b(says|said|say|claims?|reports?|reported|according to) (who|whom)\b|\bwho (says|said|says so|claims|reported|told)\b|\baccording to whom\b|\b(what|which) is the source\b|\bsource (of|for) (that|this|it)\b|\bwhere does (that|this|it) come from\b|\bwho (is|was) (the )?source\b/,
  ],
  [
    'compared',
    /\bcompared? (to|with) (what|when|which)\b|\b(relative|versus|vs) (to )?(what|when)\b|\bthan (what|when)\b|\bfrom what\b|\bcompared to\b$|\bcompared with\b$|\bbaseline\b/,
  ],
  ['percent', /\bpercent(age)?\b|\b(what|which|the) share\b|\bshare of\b|\bproportion\b|\bfraction\b|\bratio\b/],
  [
    'money',
    /\b(revenue|revenues|profit|profits|profitable|income|salary|salaries|earnings|price|prices|valuation|valued|funding|dollars?|yuan|rmb|money|budget)\b|\bhow much\b.*\b(cost|costs|pay|paid|spend|spent|earn|earns|worth|invest|invested|charge|charges)\b/,
  ],
  [
    'said-when',
    /\bwhen (did|does|was) \S+ (say|said|speak|spoke|tell|told|announce|announced)\b|\b(what|which) day did \S+ (say|speak|announce)\b/,
  ],
  ['year', /\b(what|which) years?\b|\byear (was|did|is)\b|\bin what year\b/],
  ['month', /\b(what|which) month\b/],
  ['date', /\b(what|which) date\b|\bexact (date|day)\b|\bdate (was|did|is)\b/],
  ['day', /\b(what|which) day\b|\bon what day\b/],
  ['duration', /\bhow many years\b|\bhow long (has|have|had|is|was)\b|\bfor how long\b/],
  ['age', /\bhow old\b|\bage\b/],
  ['city', /\b(what|which) (city|cities|town)\b|\bin what city\b/],
  ['country', /\b(what|which) (country|countries|nation)\b/],
  // "Which universities?", "which app?": named organizations, which a fact gives only when it names one.
  [
    'which',
    /\b(what|which) (other )?(universities|university|colleges|college|schools|school|programs|programmes|companies|company|firms|firm|apps|app|applications|platforms|platform|rivals|rival|competitors|competitor|partners|partner|players|sites|websites|networks|investors|investor|brands|brand|businesses|organizations|organisations)\b/,
  ],
  [
    'when',
    /^((and|so|but|ok|okay|then) )?when\b|\bwhen (was|is|did|does|will|were|do|has|had|are|would|could|can)\b|\bwhat time\b|\bsince when\b|\bhow long ago\b|\bby when\b|\bwhen\s*$|\b(over|during|in) what (period|time)\b|\bfor how long\b/,
  ],
  // "Where does she work?" asks for a workplace, which a company answers as well as a city.
  [
    'where',
    /\bwhere\b(?! (does|did|do|is) \S+ (work|working|employed))|\b(what|which) (place|location)\b|\blocated\b|\bheadquarter(s|ed)?\b|\bbased in\b/,
  ],
  ['why', /\bwhy\b|\bwhat for\b|\bhow come\b|\b(the )?(reason|reasons|purpose|motive|aim|goal) (for|of|behind)\b/],
  ['number', /\bhow (many|much)\b|\bwhat (is|was) the (number|figure|count|total)\b|\bnumber of\b/],
  [
    'person',
    /\bwho (is|was|are|were) (the|its|their|his|her) (ceo|president|head|boss|founder|founders|director|chairman|chief|leader|manager)\b|\b(name|names) of the (ceo|founder|founders|president)\b/,
  ],
  [
    'agent',
    /\bwho (founded|founds|started|created|owns|owned|runs|ran|leads|led|heads|headed|manages|managed|invented|built|set up)\b|\bwho (is|was|are|were) (the|its|their) (owner|owners|investor|investors|partner|partners)\b/,
  ],
];

/**
 * The patterns with the words that can start a match of each: every word of the pattern's source that is not
 * regular-expression syntax, so a question with none of them is not tried against it.
 */
const KIND_PATTERNS: readonly (readonly [AnswerKind, RegExp, readonly string[]])[] = KIND_REGEXPS.map(
  ([kind, pattern]) => [
    kind,
    pattern,
    [...new Set(pattern.source.replace(/\\[bsSdw]/g, ' ').match(/[a-z][a-z-]*/g) ?? [])],
  ],
);

/** Per word, the patterns it can start a match of (their indexes in {@link KIND_PATTERNS}). */
const PATTERNS_BY_WORD = new Map<string, number[]>();
KIND_PATTERNS.forEach(([, , triggers], index) => {
  for (const word of triggers) PATTERNS_BY_WORD.set(word, [...(PATTERNS_BY_WORD.get(word) ?? []), index]);
});

/** Month names, January first; with their short forms, "may" and "march" count only where a month is plausible. */
export const MONTHS: readonly string[] = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const MONTH_ABBREVIATIONS = new Map(MONTHS.map((m) => [m.slice(0, 3), m]));
/** Words before "may" or "march" that make them months: "in May", "end of March", "by May". */
const BEFORE_A_MONTH: ReadonlySet<string> = new Set([
  'in',
  'of',
  'by',
  'since',
  'until',
  'till',
  'before',
  'after',
  'during',
  'last',
  'early',
  'late',
  'mid',
]);

/** Words that scope a figure to the whole world. */
const WORLD_WORDS: ReadonlySet<string> = new Set([
  'worldwide',
  'globally',
  'global',
  'international',
  'internationally',
]);
/** Prepositions that make the next word a place: "in Brazil", "outside China", "across Europe". */
const PLACE_PREPOSITIONS: ReadonlySet<string> = new Set([
  'in',
  'outside',
  'across',
  'from',
  'throughout',
  'within',
  'of',
  'at',
  'to',
]);
/** Words that refer back to something said before. */
const DEICTIC: ReadonlySet<string> = new Set([
  'it',
  'its',
  'itself',
  'they',
  'them',
  'their',
  'theirs',
  'that',
  'this',
  'these',
  'those',
  'there',
  'he',
  'him',
  'his',
  'she',
  'her',
  'hers',
  'one',
]);
/** Words that open a follow-up: "and now?", "so why?", "but when?" */
const FOLLOW_UP_OPENERS: ReadonlySet<string> = new Set([
  'and',
  'so',
  'but',
  'then',
  'also',
  'ok',
  'okay',
  'what about',
  'how about',
]);
/** Words of comparison: "more than", "bigger", "versus", "compare". */
const COMPARATIVE =
  /\b(more|less|fewer|bigger|larger|smaller|greater|higher|lower|earlier|later|older|newer|versus|vs|compare|compared|comparison|than|difference|differ|both|exceed|exceeds|outnumber|outnumbers|surpass|surpasses)\b/;

/** A place named in a question that the article does not mention: "Brazil", "Hong Kong". */
export interface OtherPlace {
  name: string;
  start: number;
  end: number;
}

/** What a question asks beyond its topic: the kind of answer, and the time and place it is about. */
export interface QuestionFrame {
  kind: AnswerKind | null;
  /** The words that ask for the kind ("over what period"): not the question's topic. */
  kindWords: string[];
  /** Months ("july"), years ("2005") and times relative to the article ("now", "next-year", "this-year", "last-year"). */
  times: string[];
  /** "world" when the question asks worldwide; "outside" when it asks outside a place ("outside China"). */
  scope: ('world' | 'outside')[];
  /** Places the article does not mention. */
  otherPlaces: OtherPlace[];
  /** Whether it compares: "more than", "bigger", "versus". */
  comparative: boolean;
  /** Whether it refers back ("it", "that", "there") or opens as a follow-up ("and ...?"). */
  refersBack: boolean;
  /** What "how many" counts ("employees" in "how many employees..."); empty when it says nothing. */
  counted: string[];
  /** Whether "how many" asks a part of what it counts ("how many users are managers?"), which a share answers. */
  portion: boolean;
  /** Whether it asks two things: "how many now, and how many next year?" */
  twoQuestions: boolean;
  /** Whether it asks yes or no: "Is it based in Shanghai?" is answered by where it is based. */
  yesNo: boolean;
}

/**
 * Reads a question's frame from its tokens. `places` are place names (lowercase, space-separated) from the
 * lexicon; `capitalized` the lowercase forms of words the user capitalized after the first word, so "Mobile"
 * in "the Mobile branch" may be a place while "mobile messaging" is not.
 */
export function readFrame(
  tokens: readonly string[],
  mentions: readonly Mention[],
  places: ReadonlySet<string>,
  capitalized: ReadonlySet<string>,
): QuestionFrame {
  const text = tokens.join(' ');
  let kind: AnswerKind | null = null;
  let kindWords: string[] = [];
  // Only a pattern one of whose words is in the question can match: most are never tried.
  const tried = new Set<number>();
  for (const t of tokens) for (const index of PATTERNS_BY_WORD.get(t) ?? []) tried.add(index);
  for (const index of [...tried].sort((a, b) => a - b)) {
    const [k, pattern] = KIND_PATTERNS[index]!;
    const match = pattern.exec(text);
    if (match) {
      kind = k;
      kindWords = match[0].split(' ').filter(Boolean);
      break;
    }
  }
  const inMention = (i: number) => mentions.some((m) => i >= m.start && i < m.end);
  const times: string[] = [];
  tokens.forEach((t, i) => {
    const month = MONTHS.includes(t) ? t : MONTH_ABBREVIATIONS.get(t);
    if (month && t.length >= 3) {
      const ambiguous = t === 'may' || t === 'march' || t === 'mar' || t === 'jan' || t === 'jun';
      if (!ambiguous || BEFORE_A_MONTH.has(tokens[i - 1] ?? '') || capitalized.has(t)) times.push(month);
    }
    if (/^(19|20)\d\d$/.test(t)) times.push(t);
  });
  if (/\b(now|currently|today|presently|at present|right now|these days|at the moment|so far|to date)\b/.test(text))
    times.push('now');
  for (const [pattern, time] of [
    [/\bthis year\b/, 'this-year'],
    [/\b(last|previous) year\b/, 'last-year'],
    [/\bnext year\b/, 'next-year'],
    [/\b(past|last) (12|twelve) months\b|\bpast year\b/, 'past-year'],
  ] as const) {
    if (pattern.test(text)) times.push(time);
  }

  const scope: ('world' | 'outside')[] = [];
  if (
    tokens.some((t, i) => WORLD_WORDS.has(t) && !inMention(i)) ||
    /\b(in|around|across) the (world|globe)\b|\bthe whole world\b/.test(text)
  )
    scope.push('world');
  if (/\b(outside|beyond|except|excluding|abroad|overseas)\b/.test(text)) scope.push('outside');

  const otherPlaces: OtherPlace[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (inMention(i) || MONTHS.includes(tokens[i]!) || NOT_PLACES.has(tokens[i]!)) continue;
    // Most words start no place name: one look-up says so before any name is put together.
    if (
      !places.has(tokens[i]!) &&
      !(tokens[i + 1] && places.has(`${tokens[i]} ${tokens[i + 1]}`)) &&
      !(tokens[i + 2] && places.has(`${tokens[i]} ${tokens[i + 1]} ${tokens[i + 2]}`))
    )
      continue;
    for (let length = 3; length >= 1; length--) {
      if (i + length > tokens.length) continue;
      const name = tokens.slice(i, i + length).join(' ');
      if (!places.has(name) || [...Array(length).keys()].some((k) => inMention(i + k))) continue;
      const marked =
        length > 1 ||
        capitalized.has(tokens[i]!) ||
        PLACE_PREPOSITIONS.has(tokens[i - 1] ?? '') ||
        tokens[i + length] === 'based';
      if (!marked) continue;
      otherPlaces.push({ name, start: i, end: i + length });
      i += length - 1;
      break;
    }
  }

  const opener =
    tokens[0] === 'what' && tokens[1] === 'about'
      ? 'what about'
      : tokens[0] === 'how' && tokens[1] === 'about'
        ? 'how about'
        : tokens[0];
  const refersBack =
    FOLLOW_UP_OPENERS.has(opener ?? '') ||
    tokens.some((t, i) => DEICTIC.has(t) && !inMention(i) && !(t === 'one' && tokens[i + 1] === 'of'));
  const twoQuestions =
    (text.match(/\b(how|what|when|who|which|where|why)\b/g) ?? []).length >= 2 && /\band\b|,/.test(text);
  const counted = countedWords(tokens, inMention);
  // "Is it based in Shanghai?" and "Chinese or Western company?" are answered by saying which it is.
  const yesNo =
    /^(is|are|was|were|does|do|did|has|have|had|can|could|will|would|should)\b/.test(text) || /\w \bor\b \w/.test(text);
  return {
    kind,
    kindWords,
    times,
    scope,
    otherPlaces,
    comparative: COMPARATIVE.test(text),
    refersBack,
    counted: counted.words,
    portion: counted.portion,
    twoQuestions,
    yesNo,
  };
}

/** Words that are never taken for a place name, though WordNet has a place so called ("Reading", "Mobile"). */
const NOT_PLACES: ReadonlySet<string> = new Set([
  'a',
  'an',
  'the',
  'of',
  'in',
  'on',
  'at',
  'to',
  'is',
  'it',
  'its',
  'and',
  'or',
  'how',
  'what',
  'who',
  'when',
  'where',
  'why',
  'which',
  'many',
  'much',
  'this',
  'that',
  'there',
  'here',
  'now',
  'then',
  'mobile',
  'reading',
  'nice',
  'bath',
  'split',
  'west',
  'east',
  'north',
  'south',
  'center',
  'centre',
  'home',
  'office',
  'market',
  'earth',
  'world',
  'us',
]);

/** Words that end what "how many" counts: "how many employees does...", "how many people use...". */
const END_OF_COUNTED: ReadonlySet<string> = new Set([
  'does',
  'do',
  'did',
  'is',
  'are',
  'was',
  'were',
  'will',
  'would',
  'can',
  'could',
  'have',
  'has',
  'had',
  'there',
  'they',
  'it',
  'he',
  'she',
  'we',
  'you',
  'i',
  'in',
  'at',
  'on',
  'for',
  'of',
  'that',
  'this',
  'now',
  'so',
  'them',
  'those',
  'these',
  'us',
  'use',
  'uses',
  'used',
  'live',
  'lives',
  'work',
  'works',
  'joined',
  'signed',
  'visit',
  'get',
  'got',
  'go',
  'come',
  'by',
  'per',
  'each',
  'a',
  'an',
  'the',
  'to',
  'with',
  'from',
  'according',
  'than',
  'and',
  'or',
]);
/** Words between "how many" and what it counts that say which of them, not what: "how many new daily users". */
const COUNT_MODIFIERS: ReadonlySet<string> = new Set([
  'new',
  'daily',
  'monthly',
  'active',
  'total',
  'registered',
  'current',
  'actual',
  'real',
  'local',
  'mainland',
  'foreign',
  'overseas',
  'such',
  'those',
  'these',
  'of',
]);
/** At most this many words are read after "how many". */
const MAX_COUNTED_WORDS = 4;

/**
 * The words "how many" counts, up to the verb: "how many fresh members does Tianji attract" counts "fresh
 * members". Names are left out ("how many WeChat users" counts users).
 */
function countedWords(
  tokens: readonly string[],
  inMention: (i: number) => boolean,
): { words: string[]; portion: boolean } {
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (tokens[i] !== 'how' || tokens[i + 1] !== 'many') continue;
    const words: string[] = [];
    let j = i + 2;
    for (; j < tokens.length && words.length < MAX_COUNTED_WORDS; j++) {
      if (END_OF_COUNTED.has(tokens[j]!) || PORTION_VERBS.has(tokens[j]!)) break;
      if (COUNT_MODIFIERS.has(tokens[j]!)) continue;
      if (!inMention(j) && !/^\d/.test(tokens[j]!)) words.push(tokens[j]!);
    }
    // "How many users are managers?" asks a part of them, which a percentage answers; "how many new users did it
    // get?" asks a count.
    return { words, portion: PORTION_VERBS.has(tokens[j] ?? '') };
  }
  return { words: [], portion: false };
}

/** Verbs after what "how many" counts that make the question ask a part of them: "how many users live in Beijing?" */
const PORTION_VERBS: ReadonlySet<string> = new Set([
  'are',
  'is',
  'live',
  'lives',
  'hold',
  'holds',
  'use',
  'uses',
  'work',
  'works',
]);

/** Lowercase forms of the words capitalized after the first word of a text. */
export function capitalizedWords(text: string): Set<string> {
  const out = new Set<string>();
  if (text === text.toLowerCase()) return out;
  const words = text.match(/[\p{L}][\p{L}\p{N}'-]*/gu) ?? [];
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w[0] !== w[0]!.toLowerCase()) out.add(w.toLowerCase());
  }
  return out;
}

/** Months, years and relative times named in a fact's words, as {@link QuestionFrame.times} names them. */
export function timesIn(text: string): string[] {
  const lower = text.toLowerCase();
  const out = MONTHS.filter((m) => new RegExp(`\\b${m}\\b`).test(lower));
  for (const year of lower.match(/\b(19|20)\d\d\b/g) ?? []) out.push(year);
  if (/\bnext year\b/.test(lower)) out.push('next-year');
  if (/\bpast year\b/.test(lower)) out.push('past-year');
  return out;
}

/** Whether a fact with these times can answer a question asking about `asked` times. */
export function timesFit(asked: readonly string[], fact: readonly string[]): boolean {
  // A question asking two times ("now, and next year?") is answered by a fact for either.
  const fits = (t: string) => {
    if (t === 'now' || t === 'this-year') return !fact.includes('next-year') && !fact.includes('past-year');
    if (t === 'last-year') return fact.includes('past-year');
    return fact.includes(t);
  };
  return new Set(asked).size > 1 ? asked.some(fits) : asked.every(fits);
}
