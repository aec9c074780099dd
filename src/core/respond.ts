import {
  type Answer,
  Answerer,
  fallbackReply,
  fill,
  KIND_PHRASES,
  type Missing,
  TEMPLATES,
  toReply,
} from './answerer.js';
import { type ChineseReader, isChinese } from './chinese.js';
import type { Mention, Pronoun } from './entities.js';
import {
  type Asked,
  describeFacts,
  detailOf,
  type FactInfo,
  type Misfit,
  misfit,
  type Passage,
  PassageIndex,
  passageKey,
  statementHolds,
} from './facts.js';
import { Fallbacks, type Miss } from './fallbacks.js';
import { english, type Lang, type Language } from './language.js';
import { type AnswerKind, capitalizedWords, type QuestionFrame, readFrame } from './question.js';
import type { Analysis, RecognitionResult, Recognizer } from './recognizer.js';
import { normalizeQuestion, quotedIn, sentencesOf, stem, tokenize } from './text.js';
import {
  type ConversationState,
  type EntityRef,
  emptyState,
  type Intent,
  type Knowledge,
  type Reply,
} from './types.js';
import {
  AMOUNTS,
  ANOTHER_FIGURE,
  DETAIL_ASKING,
  DETAIL_FILLERS,
  DETAIL_PREPOSITIONS,
  ELLIPSIS_WORDS,
  NO_TOPIC_WORDS,
  ORGANIZATION_WORDS,
  PAIRING,
  PLACE_KINDS,
  PROFILE_WORDS,
  QUOTE_KINDS,
  SAYING_VERBS,
  THE_LAST_ANSWER,
  WHO,
} from './wording.js';

/** The most words a follow-up asking for more of the last answer has: "and through what exactly?" */
const MAX_DETAIL_WORDS = 5;
/** The most passages given for what someone said about something: "What did Shen say about WeChat?" */
const MAX_WORDS_ON_A_TOPIC = 3;
/** Questions asking the name of something, `x` the something. */
const NAME_QUESTIONS: readonly RegExp[] = [
  /^(?:so |and |ok )?(?:what|which) (?:is|was|are) the (?:full |official |real |exact |chinese |english )?names? of (?:the |its |his |her |their |this |that )?(?<x>.+?)$/,
  /^(?:so |and |ok )?what (?:is|was|are) (?:the |its |his |her |their )?(?<x>.+?) (?:called|named)(?: in (?:chinese|english))?$/,
  /^(?:so |and |ok )?what (?:is|was) (?<x>.+?) (?:chinese|full|official|real|english|other) name$/,
];
/** Words beside a name asked again ("WeChat's Chinese name") that ask for another name of it. */
const NAME_QUALIFIERS: ReadonlySet<string> = new Set(['chinese', 'english', 'full', 'official', 'real', 'other']);
/** Words after the head of a noun phrase: "the platform [in Beijing]", "the president [of LinkedIn China]". */
const HEAD_ENDS: ReadonlySet<string> = new Set(['of', 'in', 'at', 'from', 'with', 'for', 'that', 'which', 'who']);
/** Words for any company, service or person, which the article's descriptions may word otherwise. */
const GENERIC_HEADS: ReadonlySet<string> = new Set([
  'company',
  'companies',
  'firm',
  'business',
  'site',
  'website',
  'platform',
  'network',
  'app',
  'application',
  'service',
  'player',
  'rival',
  'competitor',
  'partner',
  'partners',
  'organization',
  'organisation',
  'brand',
  'person',
  'man',
  'woman',
  'executive',
  'boss',
  'head',
  'chief',
  'leader',
  'expert',
  'spokesperson',
  'branch',
  'unit',
  'subsidiary',
  'division',
  'arm',
  'office',
  'team',
  'group',
]);
/** Words for the article itself. */
const ARTICLE_WORDS: ReadonlySet<string> = new Set(['article', 'story', 'piece', 'report', 'news', 'headline', 'text']);
/** Words that stand for something named before: "what is it called?" is a follow-up, not asked here. */
const PRONOUN_WORDS: ReadonlySet<string> = new Set(['it', 'this', 'that', 'they', 'he', 'she', 'them', 'one']);
/** The prefix of the small-talk intents' names ("smalltalk.greeting"). */
const SMALL_TALK = 'smalltalk.';
/** The fewest words a quotation must have to be looked up in the article. */
const MIN_QUOTED_WORDS = 2;
/** The most words of a follow-up with no subject that is taken to be about what the last answer was about. */
const MAX_SUBJECTLESS_WORDS = 4;
/** Entities remembered per conversation for pronouns and follow-ups. */
const MAX_REMEMBERED = 6;
/** Content words of the last question remembered for a follow-up with no topic of its own. */
const MAX_CONTEXT = 8;
/** Facts given for who or what an entity is when no intent says it. */
const PROFILE_FACTS = 2;
/** The aspect of intents that say who or what an entity is. */
const PROFILE = 'profile';
/** Intents a bot cannot do without: the welcome, the help text, and the out-of-scope examples. */
export const REQUIRED_INTENTS = ['smalltalk.greeting', 'smalltalk.help'] as const;
/** How the engine weighs passages and second intents against the recognizer's intent. Chosen by `npm run eval -- --sweep`. */
export interface EngineOptions {
  /** Share of a question's content a fact or quote must hold to answer when no intent is sure. */
  minPassageCoverage: number;
  /** How much better than the intent's own facts a passage must cover a question to answer it instead. */
  outcoveredBy: number;
  /** A second intent this sure, as a share of the first, is answered too in a question that pairs two things. */
  secondIntentShare: number;
  /** The same for a question that asks two things ("how many now, and how many next year?"). */
  secondQuestionShare: number;
  /** Least score of the intent chosen for each entity a comparison names. */
  minComparedScore: number;
  /** A follow-up with no topic stays on the last intent when it scores this share of the best one. */
  stayShare: number;
  /** Least score of an intent, out of scope as a whole, for its fact to be given as the nearest thing the article says. */
  minNearMissScore: number;
  /** How much less coverage a passage needs when it holds the specific kind of answer asked (a city, a year). */
  kindBonus: number;
  /** A recognized intent this sure is not second-guessed by a passage that covers the question better. */
  sureScore: number;
  /** An intent of the entity a question names answers it when it scores this share of the intent recognized. */
  moveShare: number;
  /** How much better than an intent's first fact another of its facts must cover a question to lead its answer. */
  leadBy: number;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  minPassageCoverage: 0.7,
  outcoveredBy: 0.4,
  secondIntentShare: 0.6,
  secondQuestionShare: 0.45,
  minComparedScore: 0.25,
  sureScore: 0.6,
  kindBonus: 0.2,
  minNearMissScore: 0.4,
  stayShare: 0.8,
  leadBy: 0.25,
  moveShare: 0.8,
};

/** The broader kind a fact may hold when it lacks the one asked: a month for "which year?", a place for "which city?". */
const BROADER_KIND: Partial<Record<AnswerKind, AnswerKind>> = {
  year: 'when',
  month: 'when',
  day: 'when',
  date: 'when',
  city: 'where',
  country: 'where',
  percent: 'number',
  duration: 'when',
  age: 'when',
};

/** Kinds of answer specific enough that a passage holding one is good evidence it is the answer. */
const SPECIFIC_KINDS: ReadonlySet<AnswerKind> = new Set([
  'year',
  'month',
  'day',
  'said-when',
  'city',
  'country',
  'percent',
  'compared',
  'duration',
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
  options?: Partial<EngineOptions>;
  /** How Chinese questions are read and answered; without it every question is read as English. */
  chinese?: { reader: ChineseReader; language: Language; recognizer: Recognizer };
}

/** What the bot says things with in one language. */
interface Speaker {
  answerer: Answerer;
  fallbacks: Fallbacks;
}

/** What a turn will say. */
type Plan =
  /** Intents answered as they are. */
  | { intents: Intent[]; confidence: number; compare?: FactInfo[] }
  /** Some facts or quotes, for the intent `intent` (the one that lists them, if any). */
  | { passages: Passage[]; intent: string; confidence: number }
  /** Who the article has a fact from. */
  | { attribution: FactInfo; intent: string; confidence: number }
  /** A question the article answers only in part: what is missing, and the nearest facts. */
  | { missing: Missing; nearest: FactInfo[]; confidence: number }
  | { miss: Miss; confidence: number };

/** What a question says on its own: the part of a {@link Reading} that does not depend on the conversation. */
type QuestionReading = Omit<Reading, 'state' | 'referent' | 'lang' | 'said'>;

/** Distinct questions whose readings are kept; the oldest goes first. */
const MAX_READINGS = 2_000;

/** What a turn read in the question and the conversation. */
interface Reading {
  /** The question as the core reads it: as asked, or glossed into English words from Chinese. */
  question: string;
  /** The language it was asked in, which the answer is given in. */
  lang: Lang;
  /** The question as asked. */
  said: string;
  analysis: Analysis;
  /** The analysis a passage search looks for: its content without the words that ask for the kind of answer. */
  query: Analysis;
  frame: QuestionFrame;
  state: ConversationState;
  /** People and organizations the question names. */
  named: Mention[];
  /** The article's places the question names. */
  places: string[];
  /** What facts are checked against. */
  asked: Asked;
  /** Whether the question has a topic of its own, beyond what it refers back to and what it asks. */
  hasTopic: boolean;
  /** The entity its first pronoun stands for in the conversation, if any. */
  referent: string | null;
}

/**
 * The answering engine: `respond(question, state)` is a pure function of its inputs (no I/O, no clock,
 * no randomness) returning the reply and the conversation's next state.
 */
export class Engine {
  private readonly byName: Map<string, Intent>;
  private readonly kinds: Map<string, EntityRef['kind']>;
  /** The answerer and fallbacks of each language; English's are also the ones the steps name things with. */
  private readonly speakers: Map<Lang, Speaker>;
  private readonly answerer: Answerer;
  private readonly fallbacks: Fallbacks;
  private readonly facts: Map<string, FactInfo>;
  private readonly passageIndex: PassageIndex;
  /** Per fact, the intent that gives it first (its own intent), else one that gives it at all. */
  private readonly intentOfFact = new Map<string, string>();
  /** Per intent, the entities it concerns: its `about`, and every entity its facts name or are about. */
  private readonly concerns = new Map<string, Set<string>>();
  /** Per place, the place it is in. */
  private readonly within: Map<string, string>;
  /**
   * Per person or organization, what its role or description names (a person's employer: "president of LinkedIn
   * China") and its head word ("president", "platform"), read once.
   */
  private readonly descriptions = new Map<string, { head: string | undefined; names: ReadonlySet<string> }>();
  /** Per intent, the stems of its utterances: what it was taught (see {@link askedFor}); made when first asked. */
  private readonly taughtStems = new Map<string, Set<string>>();
  /** Per fact, the content words of its statement and its sentence (see {@link wordsOfFact}). */
  private readonly factWords = new Map<string, { statement: readonly string[]; source: readonly string[] }>();
  /** Per intent, its own passages (see {@link passagesOf}). */
  private readonly intentPassages = new Map<
    string,
    { passages: Passage[]; keys: ReadonlySet<string>; words: ReadonlySet<string> }
  >();
  /** Readings of questions asked lately, by their text (see {@link readQuestion}). */
  private readonly readings = new Map<string, QuestionReading>();
  readonly options: EngineOptions;

  /** Checks that the intents a bot needs are there: a bad article fails when it is loaded, naming the file. */
  constructor(private readonly parts: EngineParts) {
    this.options = { ...DEFAULT_ENGINE_OPTIONS, ...parts.options };
    this.byName = new Map(parts.intents.map((i) => [i.intent, i]));
    for (const name of REQUIRED_INTENTS) {
      if (!this.byName.has(name)) throw new Error(`intents/ has no ${name} intent: add intents/${name}.json`);
    }
    if (!parts.intents.some((i) => i.answer.fallback)) {
      throw new Error(
        'intents/ has no out-of-scope intent (an intent whose answer is {"fallback": true}), so nothing teaches the bot what the article does not answer',
      );
    }
    const { people, organizations, places } = parts.knowledge;
    this.within = new Map(places.flatMap((p) => (p.in ? [[p.id, p.in] as const] : [])));
    this.kinds = new Map([
      ...places.map((p) => [p.id, 'place'] as const),
      ...organizations.map((o) => [o.id, 'organization'] as const),
      ...people.map((p) => [p.id, 'person'] as const),
    ]);
    this.answerer = new Answerer(parts.knowledge, english(parts.knowledge, TEMPLATES, KIND_PHRASES));
    this.fallbacks = new Fallbacks(parts.intents, this.answerer);
    this.speakers = new Map([['en', { answerer: this.answerer, fallbacks: this.fallbacks }]]);
    if (parts.chinese) {
      const answerer = new Answerer(parts.knowledge, parts.chinese.language);
      this.speakers.set('zh', { answerer, fallbacks: new Fallbacks(parts.intents, answerer) });
    }
    const analyze = (text: string) => parts.recognizer.analyze(text);
    this.facts = describeFacts(parts.knowledge, analyze);
    this.passageIndex = new PassageIndex(this.facts.values(), parts.knowledge.quotes, analyze);
    const described = [
      ...people.map((p) => ({ id: p.id, text: p.role })),
      ...organizations.map((o) => ({ id: o.id, text: o.description })),
    ];
    for (const e of described) {
      const names = new Set(analyze(e.text).mentions.map((m) => m.id));
      this.descriptions.set(e.id, { head: headWord(e.text), names });
    }
    for (const intent of parts.intents) {
      const ids = intent.answer.facts ?? [];
      ids.forEach((id, i) => {
        if (i === 0 || !this.intentOfFact.has(id)) this.intentOfFact.set(id, intent.intent);
      });
      const concerns = new Set(intent.about);
      for (const id of ids) {
        const info = this.facts.get(id)!;
        concerns.add(info.fact.subject);
        for (const e of info.entities) concerns.add(e);
      }
      for (const id of intent.answer.quotes ?? []) {
        const quote = parts.knowledge.quotes.find((q) => q.id === id)!;
        concerns.add(quote.speaker);
      }
      // A person's role names where they work: "the president of LinkedIn China" is about LinkedIn too.
      for (const id of [...concerns])
        if (this.kinds.get(id) === 'person') for (const org of this.employers(id)) concerns.add(org);
      this.concerns.set(intent.intent, concerns);
    }
  }

  /** The stems of an intent's utterances (reading all 2,500 utterances at start-up took a tenth of it). */
  private taught(intent: Intent): Set<string> {
    let stems = this.taughtStems.get(intent.intent);
    if (!stems) {
      stems = new Set(intent.utterances.flatMap((u) => tokenize(u).map((t) => stem(t))));
      this.taughtStems.set(intent.intent, stems);
    }
    return stems;
  }

  /** The greeting a channel sends when someone joins: the greeting intent's answer, no question needed. */
  welcome(lang: Lang = 'en'): Reply {
    const greeting = this.byName.get('smalltalk.greeting')!;
    const { answerer } = this.speaker(lang);
    const suggestions = answerer.language.suggestions(greeting);
    return toReply(greeting.intent, 1, answerer.answer([greeting]), suggestions, answerer.language.lang);
  }

  /** The languages it answers in. */
  get languages(): Lang[] {
    return [...this.speakers.keys()];
  }

  /**
   * Answers one question in the context of `state` (a new conversation when omitted), in the question's
   * language: a question with Chinese in it is glossed into the English words the steps read, and answered in
   * Chinese.
   */
  respond(question: string, state: ConversationState = emptyState()): Turn {
    const chinese = this.parts.chinese;
    if (chinese && this.languageOf(question) === 'zh') {
      const glossed = chinese.reader.gloss(question);
      return this.chatty(glossed, state, 'zh', question) ?? this.answer(glossed, state, 'zh', question);
    }
    return this.chatty(question, state, 'en', question) ?? this.answer(question, state, 'en', question);
  }

  /**
   * The intents a question comes nearest to, best first, with their scores (out-of-scope intents left out):
   * for the review of unanswered questions, which utterance an editor might add where. The question's kept
   * reading is used, so asking this after answering it costs a ranking of scores already made.
   */
  nearestIntents(question: string, count = 3): { intent: string; score: number }[] {
    const lang = this.languageOf(question);
    const read = lang === 'zh' ? this.parts.chinese!.reader.gloss(question) : question;
    return this.recognizerOf(lang)
      .rank(this.readQuestion(read, lang).analysis)
      .filter((r) => !this.byName.get(r.intent)?.answer.fallback)
      .slice(0, count)
      .map((r) => ({ intent: r.intent, score: Math.round(r.score * 1000) / 1000 }));
  }

  /** The language a question is answered in. */
  languageOf(question: string): Lang {
    return this.parts.chinese && isChinese(question) ? 'zh' : 'en';
  }

  /**
   * A reply that is no answer, in the question's language: "slowDown" (over the rate limit) or "tooLong" (over
   * the longest question answered), with the welcome's suggestions for a question too long.
   */
  notice(question: string, notice: 'slowDown' | 'tooLong', slots: Record<string, string>): Reply {
    const lang = this.languageOf(question);
    const { language } = this.speaker(lang).answerer;
    const suggestions = notice === 'tooLong' ? this.welcome(lang).suggestions : [];
    return fallbackReply(fill(language.words[notice], slots), 0, suggestions, [], lang);
  }

  /** The recognizer questions in this language are read with (Chinese ones have their own, trained on both). */
  private recognizerOf(lang: Lang): Recognizer {
    return (lang === 'zh' && this.parts.chinese?.recognizer) || this.parts.recognizer;
  }

  private speaker(lang: Lang): Speaker {
    return this.speakers.get(lang) ?? this.speakers.get('en')!;
  }

  private answer(question: string, state: ConversationState, lang: Lang, said: string): Turn {
    const reading = this.read(question, state, lang, said);
    const plan = this.plan(reading);
    return this.render(reading, plan);
  }

  /**
   * A message of several sentences, as people write them: "Hey there, hope you're having a good day. I was
   * curious about Derek Shen. When exactly did he join LinkedIn?". Small talk is left aside, the other sentences
   * before a question name whom it is about (so "he" is Derek Shen), and the first question the article answers
   * is answered. Null when the message is one sentence, or no question of it is answered: then it is read whole.
   */
  private chatty(message: string, state: ConversationState, lang: Lang, said: string): Turn | null {
    const parts = sentencesOf(message);
    if (parts.length < 2) return null;
    let context = state;
    for (const [i, part] of parts.entries()) {
      const reading = this.readQuestion(part, lang);
      const intent = this.recognizerOf(lang).recognizeAnalysis(reading.analysis).intent;
      if (intent?.startsWith(SMALL_TALK)) continue;
      if (!part.endsWith('?') && i < parts.length - 1) {
        // Said, not asked: what it names is what the question after it is about.
        const named = reading.analysis.mentions.map(({ id, kind }) => ({ id, kind }));
        const entities = [...named, ...context.entities.filter((e) => !named.some((n) => n.id === e.id))];
        context = { ...context, entities: entities.slice(0, MAX_REMEMBERED) };
        continue;
      }
      const turn = this.answer(part, context, lang, said);
      if (!turn.reply.fallback) return turn;
    }
    return null;
  }

  private read(question: string, state: ConversationState, lang: Lang, said: string): Reading {
    const q = this.readQuestion(question, lang);
    // Whom "she" or "it" stands for, from the conversation, when it says.
    const pronoun = q.analysis.pronouns[0];
    const referent = pronoun ? resolvePronoun(pronoun, state.entities, this.parts.knowledge) : null;
    // "there" is the place the last answer held for: "is Tianji bigger than LinkedIn there?" after China.
    const there = q.places.length === 0 && q.analysis.tokens.includes('there') ? this.lastPlaces(state) : [];
    // What "it" stands for is named as much as a name is: "Who founded it?" is not answered by Tianji itself.
    const named = referent && !q.asked.named.includes(referent) ? [...q.asked.named, referent] : null;
    let asked = named ? { ...q.asked, named } : q.asked;
    let places = q.places;
    if (there.length > 0) {
      places = [...q.places, ...there];
      asked = { ...asked, places };
    }
    // Every field named, not spread: a spread of the kept reading costs more than the rest of this step.
    return {
      question: q.question,
      lang,
      said,
      analysis: q.analysis,
      query: q.query,
      frame: q.frame,
      state,
      named: q.named,
      places,
      asked,
      hasTopic: q.hasTopic,
      referent,
    };
  }

  /** The places (not "world") the last answer's main fact holds for. */
  private lastPlaces(state: ConversationState): string[] {
    const fact = this.facts.get(state.facts?.[0] ?? '');
    return fact ? fact.scope.filter((p) => p !== 'world').slice(0, 1) : [];
  }

  /**
   * What a question says on its own, whatever the conversation: read once per distinct question and kept (a
   * bounded number), since people ask the same questions, and a suggestion clicked is the same text each time.
   * The reading is never changed after it is made.
   */
  private readQuestion(question: string, lang: Lang): QuestionReading {
    const key = lang === 'en' ? question : `${lang}:${question}`;
    const kept = this.readings.get(key);
    if (kept) return kept;
    const recognizer = this.recognizerOf(lang);
    const analysis = recognizer.analyze(question);
    const frame = readFrame(analysis.tokens, analysis.mentions, recognizer.lexicon.places, capitalizedWords(question));
    const named = analysis.mentions.filter((m) => m.kind !== 'place');
    const places = analysis.mentions.filter((m) => m.kind === 'place').map((m) => m.id);
    const topical = (t: string, i: number) =>
      !NO_TOPIC_WORDS.has(t) &&
      !frame.kindWords.includes(t) &&
      !analysis.mentions.some((m) => i >= m.start && i < m.end);
    const hasTopic = named.length > 0 || analysis.tokens.some(topical);
    const asked: Asked = {
      frame,
      places,
      named: named.map((m) => m.id),
      counted: frame.counted.map((w) => stem(w)),
      topical: hasTopic,
      within: this.within,
    };
    // What a passage must hold: the question's content, less the words that only ask for the kind ("which city").
    // Only a specific kind is dropped: a passage must then hold that kind of answer, which is evidence enough.
    const kindStems = new Set(frame.kind && SPECIFIC_KINDS.has(frame.kind) ? frame.kindWords.map((w) => stem(w)) : []);
    const query =
      kindStems.size === 0 ? analysis : { ...analysis, content: analysis.content.filter((f) => !kindStems.has(f)) };
    const reading: QuestionReading = { question, analysis, query, frame, named, places, asked, hasTopic };
    if (this.readings.size >= MAX_READINGS) this.readings.delete(this.readings.keys().next().value!);
    this.readings.set(key, reading);
    return reading;
  }

  /** Decides what to say: the steps are tried in order, and the first that applies answers. */
  private plan(r: Reading): Plan {
    return (
      this.quoting(r) ??
      this.naming(r) ??
      this.ellipsis(r) ??
      this.aboutLastAnswer(r) ??
      this.profile(r) ??
      this.recognized(r)
    );
  }

  /**
   * "Who said 'People have two identities'?": words the question quotes from the article, asking who said them,
   * are answered by the quote, or else the fact, that has them word for word. Other questions quoting it
   * ("what does 'catalyst' mean?") ask something else of those words.
   */
  private quoting(r: Reading): Plan | null {
    const { tokens } = r.analysis;
    const asksWho =
      r.frame.kind === 'by' || (tokens.some((t) => WHO.has(t)) && tokens.some((t) => SAYING_VERBS.has(t)));
    const quoted = asksWho ? quotedIn(r.question) : undefined;
    if (!quoted) return null;
    const words = ` ${normalizeQuestion(quoted)} `;
    if (words.trim().split(' ').length < MIN_QUOTED_WORDS) return null;
    const has = (text: string) => ` ${normalizeQuestion(text)} `.includes(words);
    const quote = this.parts.knowledge.quotes.find((q) => has(q.text));
    if (quote) return { passages: [{ quote }], intent: this.intentOf({ quote }), confidence: 1 };
    const facts = [...this.facts.values()];
    const fact = facts.find((f) => has(f.fact.statement)) ?? facts.find((f) => has(f.fact.source));
    return fact ? { passages: [{ fact }], intent: this.intentOf({ fact }), confidence: 1 } : null;
  }

  /**
   * "What is the name of the Beijing-based platform?": the person or organization that the article describes so
   * ("a Beijing-based platform", "president of LinkedIn China"), by the head word of its description or role,
   * and by any entity the question names there. None: the article does not say what it is called ("What is the
   * name of the joint venture?"). An entity asked for another name ("What is WeChat called in Chinese?"): the
   * only name the article gives.
   */
  private naming(r: Reading): Plan | null {
    const { tokens, mentions } = r.analysis;
    const asked = askedName(tokens);
    if (!asked) return null;
    const all = tokens.slice(asked.start, asked.end);
    // The name of the article itself is what its own intents answer.
    if (all.some((t) => ARTICLE_WORDS.has(t))) return null;
    const inside = mentions.filter((m) => m.start >= asked.start && m.end <= asked.end && m.kind !== 'place');
    const isMention = (i: number) => inside.some((m) => i >= m.start && i < m.end);
    const rest = all.filter((_, k) => !isMention(asked.start + k));
    if (inside.length > 0 && rest.every((w) => NAME_QUALIFIERS.has(w))) {
      const entity = inside[0]!.id;
      const nearest = [...this.facts.values()].filter((f) => f.fact.subject === entity).slice(0, 1);
      return { missing: { onlyName: entity }, nearest, confidence: 1 };
    }
    // The head of what is named is the last word of its first part: "[Tianji's] marketing director", "the
    // president [of LinkedIn China]", "the consultancy [Jin works for]". Whose it is, an entity named first or
    // after "of", must be one its description names.
    let head: string | undefined;
    const owners: string[] = [];
    for (let i = asked.start; i < asked.end; ) {
      const m = inside.find((x) => x.start === i);
      if (m) {
        if (i === asked.start || tokens[i - 1] === 'of') owners.push(m.id);
        if (head) break;
        i = m.end;
        continue;
      }
      // "the site [mentioned]", "the platform [founded in 2005]", but "the Beijing-based platform".
      const participle =
        /ed$/.test(tokens[i]!) && (i + 1 === asked.end || HEAD_ENDS.has(tokens[i + 1]!) || tokens[i + 1] === 'by');
      if ((HEAD_ENDS.has(tokens[i]!) || participle) && head) {
        const next = inside.find((x) => x.start === i + 1);
        if (tokens[i] === 'of' && next) owners.push(next.id);
        break;
      }
      head = tokens[i];
      i++;
    }
    if (!head || PRONOUN_WORDS.has(head)) return null;
    const described = [...this.descriptions].filter(
      ([id, d]) =>
        d.head !== undefined && stem(d.head) === stem(head) && owners.every((o) => d.names.has(o) && o !== id),
    );
    const id = described[0]?.[0];
    const named = id ? this.whoOrWhat(id, 1) : null;
    if (named) return named;
    // "the name of the networking site founded in 2005": a word for any company or person, so the question is
    // answered as usual, by whichever it describes.
    if (GENERIC_HEADS.has(head)) return null;
    const nearest = this.passageIndex.search(r.query, (p) => 'fact' in p, 1)[0];
    const facts = nearest && 'fact' in nearest.passage ? [nearest.passage.fact] : [];
    return { missing: { kind: 'name' }, nearest: facts, confidence: 1 };
  }

  /**
   * "And LinkedIn?", "What about Sequoia China?", "and worldwide?": the last question's aspect asked again, for
   * another entity or another place.
   */
  private ellipsis(r: Reading): Plan | null {
    const last = this.lastIntent(r.state);
    if (!last?.aspect || !elliptical(r)) return null;
    const entity = r.named[0]?.id ?? r.state.entities.find((e) => e.kind !== 'place')?.id;
    if (!entity) return null;
    // Every intent asking it of the entity ("And LinkedIn?" after WeChat's users: its members and its Chinese
    // users), or those that fit a place or time the follow-up names ("and in China?").
    const found = this.withAspect(last.aspect, entity);
    const fitting = found.filter((i) => this.primaryMisfit(i, r) === null);
    if (fitting.length > 0) return { intents: fitting, confidence: 1 };
    // None fits: the near miss is of what was just asked ("and in Brazil?" after the members worldwide), else the
    // first that asks it of the entity.
    if (found.length > 0) return this.nearMissFor(found.find((i) => i === last) ?? found[0]!, r, 1);
    // "What did Shen say about WeChat?" then "and about LinkedIn?": what the same person says of it.
    const speaker = last.about[0];
    if (speaker && this.kinds.get(speaker) === 'person' && this.kinds.get(entity) !== 'person') {
      const said = this.search(r, [speaker], (p) => isWordsOf(p, speaker));
      if (said) return said;
    }
    // No intent asks it of the entity: its facts that say what the last question asked ("Where is LinkedIn
    // based?", then "And Tianji?": "a Beijing-based platform"). Where a company is has one answer, however it was
    // asked; a time or a number must be of the same thing ("when was Tianji founded?" is not "when LinkedIn did
    // something").
    const kind = r.state.asked;
    const topic = (r.state.context ?? []).filter((w) => !w.startsWith('@'));
    if (kind && kind in KIND_PHRASES) {
      const asked = { ...r.asked, frame: { ...r.frame, kind: kind as AnswerKind } };
      const says = (f: FactInfo) =>
        detailOf(f, kind as AnswerKind) !== undefined &&
        misfit(f, asked) === null &&
        (PLACE_KINDS.has(kind) || topic.some((w) => f.words.has(w)));
      const all = [...this.facts.values()].filter(says);
      const own = all.filter((f) => f.fact.subject === entity);
      const saying = own.length > 0 ? own : all.filter((f) => f.entities.includes(entity));
      if (saying.length > 0) {
        const passages = saying.slice(0, 2).map((fact) => ({ fact }));
        return { passages, intent: this.intentOf(passages[0]!), confidence: 1 };
      }
    }
    return { miss: { kind: 'entity', entity }, confidence: 1 };
  }

  /**
   * A follow-up that asks something of what was just said: "when was that?", "says who?", "compared with
   * what?", "how much is that in percent?", "when was it launched?", "where's his team?". It is answered from
   * the last answer's facts (those that share its words first), then from the facts about the person it names
   * ("his", "her"), then from other facts about the same thing; or the article does not say.
   */
  private aboutLastAnswer(r: Reading): Plan | null {
    // Nothing was said yet that a question could ask more of.
    if (!r.state.facts?.length && !r.state.quotes?.length) return null;
    const given = (r.state.facts ?? []).map((id) => this.facts.get(id)).filter((f) => f !== undefined);
    // Those that say the detail asked in so many words first: "where?" after the campaigns is "China's biggest
    // cities", not the "in China" of the sentence before.
    const kind = r.frame.kind;
    const says = (f: FactInfo) => kind !== null && detailOf(f, kind) !== undefined;
    const lastFacts = [...given.filter(says), ...given.filter((f) => !says(f))];
    const lastQuotes = (r.state.quotes ?? [])
      .map((id) => this.parts.knowledge.quotes.find((q) => q.id === id))
      .filter((q) => q !== undefined);
    if (!kind) return this.moreOfLastAnswer(r, lastFacts);
    if (r.named.length > 0 || (r.hasTopic && !r.frame.refersBack)) return null;
    if (lastFacts.length === 0 && lastQuotes.length === 0) return null;
    const intent = r.state.lastIntent ?? 'article.passage';
    const topical = this.topicalStems(r);
    if (kind === 'by') {
      // "And who said the market is going to heat up?" asks of something else than what was just said.
      const saidWords = [
        ...lastFacts.map((f) => this.passageIndex.wordsOfKey(`fact:${f.fact.id}`)),
        ...lastQuotes.map((q) => this.passageIndex.wordsOfKey(`quote:${q.id}`)),
      ];
      if (topical.length > 0 && !topical.some((w) => saidWords.some((words) => words.has(w)))) return null;
      if (lastQuotes.length > 0 && (lastFacts.length === 0 || !r.state.facts?.length))
        return { passages: [{ quote: lastQuotes[0]! }], intent, confidence: 1 };
      return lastFacts[0]
        ? { attribution: lastFacts[0], intent, confidence: 1 }
        : { passages: [{ quote: lastQuotes[0]! }], intent, confidence: 1 };
    }
    const fits = (f: FactInfo) => misfit(f, r.asked) === null;
    const shares = (f: FactInfo) => topical.length === 0 || topical.some((w) => f.words.has(w));
    const answer = (f: FactInfo, confidence = 1): Plan => ({
      passages: [this.holding(f, kind)],
      intent: this.intentOfFact.get(f.fact.id) ?? intent,
      confidence,
    });

    // "out of how many?", "and how many so far?" ask another figure than the one just given.
    const another = asksAmount(r) && r.analysis.tokens.some((t) => ANOTHER_FIGURE.has(t));
    const sharing = another ? undefined : lastFacts.find((f) => fits(f) && shares(f));
    if (sharing) return answer(sharing);
    // "where's his team?": the facts about the person a pronoun names.
    const person = r.analysis.pronouns.find((p) => p === 'he' || p === 'she');
    const referent = person ? resolvePronoun(person, r.state.entities, this.parts.knowledge) : null;
    if (referent && topical.length > 0) {
      const about = [...this.facts.values()].find(
        (f) => (f.fact.subject === referent || f.people.includes(referent)) && fits(f) && shares(f),
      );
      if (about) return answer(about);
    }
    // A question with words of its own that the last answer does not share is a new question: "when was it founded?"
    if (r.hasTopic || lastFacts.length === 0) return null;
    const fitting = another ? undefined : lastFacts.find(fits);
    if (fitting) return answer(fitting);
    // "How many members does LinkedIn have?", then "where?": where the figure holds, which its statement names.
    const scoped = lastFacts[0]!;
    if ((kind === 'where' || kind === 'country') && scoped.scope.length > 0) return answer(scoped);
    // "and how many are there now?" after the target: another fact on the same subject, in the same scope; but
    // "how much is that in percent?" asks of the very figure just given.
    if (r.analysis.tokens.some((t) => THE_LAST_ANSWER.has(t))) {
      return {
        missing: this.missingOf(misfit(lastFacts[0]!, r.asked)!, asksAmount(r)),
        nearest: lastFacts.slice(0, 1),
        confidence: 1,
      };
    }
    const subject = lastFacts[0]!.fact.subject;
    // Another figure is of what the one given counts ("Chinese users" for those of the Chinese site).
    const context = this.contextAnalysis(r);
    const counted = another ? this.wordsOfFact(lastFacts[0]!).statement : [];
    const about = another ? { ...context, content: [...new Set([...context.content, ...counted])] } : context;
    const related = this.passageIndex.search(
      about,
      (p) =>
        'fact' in p &&
        p.fact.fact.subject === subject &&
        fits(p.fact) &&
        sameScope(p.fact, lastFacts[0]!) &&
        !(another && (given.includes(p.fact) || (kind === 'number' && p.fact.figure?.percent))),
      1,
    )[0];
    if (related && 'fact' in related.passage) return answer(related.passage.fact, related.score);
    return {
      missing: this.missingOf(misfit(lastFacts[0]!, r.asked) ?? { kind }, asksAmount(r)),
      nearest: lastFacts.slice(0, 1),
      confidence: 1,
    };
  }

  /**
   * "through what?", "with whom?", "how exactly?" after an answer ask for more of what it said: the article's
   * sentence it came from, when that says more than the answer did ("by creating a joint venture with Sequoia
   * China…" after the 140 million professionals); else the facts just given that have the question's preposition
   * ("with whom?" after seminars "jointly with top universities").
   */
  private moreOfLastAnswer(r: Reading, lastFacts: readonly FactInfo[]): Plan | null {
    const { tokens } = r.analysis;
    if (r.named.length > 0 || lastFacts.length === 0 || tokens.length > MAX_DETAIL_WORDS) return null;
    const detailWord = (t: string) => DETAIL_ASKING.has(t) || DETAIL_PREPOSITIONS.has(t) || DETAIL_FILLERS.has(t);
    if (!tokens.every(detailWord) || !tokens.some((t) => DETAIL_ASKING.has(t))) return null;
    const intent = r.state.lastIntent ?? 'article.passage';
    const said = new Set(lastFacts.flatMap((f) => this.wordsOfFact(f).statement));
    const fuller = lastFacts.find((f) => this.wordsOfFact(f).source.some((w) => !said.has(w)));
    if (fuller) return { passages: [{ sentence: fuller }], intent, confidence: 1 };
    const prepositions = tokens.filter((t) => DETAIL_PREPOSITIONS.has(t));
    const having = lastFacts.filter((f) => prepositions.some((p) => tokenize(f.fact.statement).includes(p)));
    return having.length > 0 ? { passages: having.map((fact) => ({ fact })), intent, confidence: 1 } : null;
  }
  /** The content words of a fact's statement and of its sentence, read once per fact. */
  private wordsOfFact(info: FactInfo): { statement: readonly string[]; source: readonly string[] } {
    let words = this.factWords.get(info.fact.id);
    if (!words) {
      const analyze = (text: string) => this.parts.recognizer.analyze(text).content;
      words = { statement: analyze(info.fact.statement), source: analyze(info.fact.source) };
      this.factWords.set(info.fact.id, words);
    }
    return words;
  }

  /** Stems of the question's words that are neither function words nor what it asks: "team" in "where's his team?". */
  private topicalStems(r: Reading): string[] {
    return r.analysis.tokens
      .filter(
        (t, i) =>
          !NO_TOPIC_WORDS.has(t) &&
          !r.frame.kindWords.includes(t) &&
          !r.analysis.mentions.some((m) => i >= m.start && i < m.end),
      )
      .map((t) => stem(t));
  }

  /**
   * The passage that says a fact's detail of this kind: the fact when its statement holds it, else a fact from
   * the same sentence whose statement does, else the sentence itself.
   */
  private holding(info: FactInfo, kind: AnswerKind): Passage {
    if (statementHolds(info, kind)) return { fact: info };
    for (const other of this.facts.values()) {
      if (
        other.fact.source === info.fact.source &&
        statementHolds(other, kind) &&
        detailOf(other, kind) === detailOf(info, kind)
      ) {
        return { fact: other };
      }
    }
    return { sentence: info };
  }

  /** "Tianji?", "What is Sequoia China?": who or what an entity is, from its profile intent or the facts that name it. */
  private profile(r: Reading): Plan | null {
    const { tokens, mentions } = r.analysis;
    if (mentions.length === 0 || !onlyEntityAnd(PROFILE_WORDS, tokens, mentions) || r.frame.kind) return null;
    return this.whoOrWhat(mentions[0]!.id, PROFILE_FACTS);
  }

  /** Who or what an entity is: its profile intent, or (up to `most` of) the facts that name it; null when none do. */
  private whoOrWhat(entity: string, most: number): Plan | null {
    const found = this.withAspect(PROFILE, entity);
    if (found.length > 0) return { intents: found, confidence: 1 };
    const naming = [...this.facts.values()].filter((f) => f.entities.includes(entity) || f.fact.subject === entity);
    if (naming.length === 0) return null;
    const passages = naming.slice(0, most).map((fact) => ({ fact }));
    return { passages, intent: this.intentOf(passages[0]!), confidence: 1 };
  }

  /** The recognizer's intent, moved to the entity the question names or refers to, checked against what it asks. */
  private recognized(r: Reading): Plan {
    const { pronouns } = r.analysis;
    const refersBack = r.frame.refersBack && r.named.length === 0 && r.state.lastIntent !== null;
    // "Where does she work?" is recognized as "where does He Miao work?"; a follow-up with no topic of its own
    // borrows the last question's: "and how many are there now?"
    const resolved = r.referent && r.named.length === 0 ? withEntity(r.analysis, r.referent) : r.analysis;
    const context = refersBack && !r.hasTopic ? this.contextOf(r.state) : undefined;
    const rec = this.stayOnTopic(r, this.recognizerOf(r.lang).recognizeAnalysis(resolved, context), resolved, context);
    const named = r.named.filter((m, i, all) => all.findIndex((x) => x.id === m.id) === i);
    if (named.length >= 2 && (r.frame.comparative || /\b(or|vs|versus)\b/.test(r.analysis.tokens.join(' ')))) {
      const compared = this.compare(named, r, rec.confidence);
      if (compared) return compared;
    }
    const intent = rec.intent ? this.byName.get(rec.intent) : undefined;
    if (!intent || intent.answer.fallback)
      return this.search(r) ?? this.nearestMiss(r, rec) ?? this.unrecognized(r, rec);
    // "What did Sequoia China say?": the article must give words of whoever the question has speak.
    const speaker = this.speakerAsked(r);
    if (speaker && !this.saysAnything(speaker))
      return { miss: { kind: 'entity', entity: speaker }, confidence: rec.confidence };
    const onTopic = speaker ? this.saidOn(r, speaker, intent, rec.confidence) : null;
    if (onTopic) return onTopic;
    if (intent.about.length === 0 || !intent.aspect) return this.checked(intent, r, rec.confidence);

    // A named person or organization decides what the question is about.
    const concerns = this.concerns.get(intent.intent)!;
    if (named.length > 0 && !named.some((m) => concerns.has(m.id)))
      return this.moveTo(intent, named, r, rec.confidence);
    if (named.length > 0) return this.withSecond(intent, rec, r);

    const pronoun = pronouns[0];
    let referent = pronoun ? resolvePronoun(pronoun, r.state.entities, this.parts.knowledge) : null;
    if (pronoun && referent === null) {
      // Nobody in the conversation yet: "he" can only be Derek Shen, but "she" may be He Miao or Jin Xiaolei,
      // and "How many users does it have?" may be about LinkedIn, WeChat or Tianji.com.
      const candidates = this.candidates(pronoun).filter((id) => this.withAspect(intent.aspect!, id).length > 0);
      if (candidates.length > 1) {
        return { miss: { kind: 'ambiguous', pronoun, entities: candidates }, confidence: rec.confidence };
      }
      referent = candidates[0] ?? null;
    }
    // "what kind of company is that?" with no topic of its own is about what the last answer was about.
    if (!referent && refersBack && !pronoun && !r.hasTopic) referent = this.salient(r);
    // "How many users?" with no subject, after Tianji's base: Tianji's users, when an intent asks that of it.
    if (!referent && !pronoun && r.state.lastIntent && r.analysis.tokens.length <= MAX_SUBJECTLESS_WORDS) {
      const salient = this.salient(r);
      const sameKind = salient && this.kinds.get(salient) === this.kinds.get(intent.about[0]!);
      if (sameKind && !concerns.has(salient) && this.withAspect(intent.aspect, salient).length > 0) referent = salient;
    }
    if (referent && !concerns.has(referent)) {
      const found = this.withAspect(intent.aspect, referent);
      if (found.length > 0) return this.checked(found[0]!, r, rec.confidence);
      // No intent asks the same of it: the intent about it that the question fits best, if any fits well.
      const own = this.parts.intents.filter((i) => !i.answer.fallback && this.concerns.get(i.intent)!.has(referent));
      const best = this.recognizerOf(r.lang).rank(
        withEntity(r.analysis, referent),
        undefined,
        own.map((i) => i.intent),
      )[0];
      if (best && best.score >= this.recognizerOf(r.lang).options.minScore)
        return this.checked(this.byName.get(best.intent)!, r, best.score);
      return { miss: { kind: 'entity', entity: referent }, confidence: rec.confidence };
    }
    return this.withSecond(intent, rec, r);
  }

  /**
   * A follow-up with no topic of its own and no kind of answer asked ("through what?", "with whom?") stays on the
   * last answer's intent when the recognizer finds it nearly as likely as its best guess.
   */
  private stayOnTopic(
    r: Reading,
    rec: RecognitionResult,
    analysis: Analysis,
    context: Analysis | undefined,
  ): RecognitionResult {
    const last = r.state.lastIntent;
    if (!context || !last || r.frame.kind || !this.byName.has(last)) return rec;
    const top = rec.ranking[0];
    const own = this.recognizerOf(r.lang).rank(analysis, context, [last])[0];
    if (!top || !own || own.score < this.options.stayShare * top.score) return rec;
    return { ...rec, intent: last, confidence: own.score };
  }

  /**
   * A question that pairs two things about one entity ("LinkedIn China: current users vs. target?", "its users in
   * China compared with its global membership", "how many now, and how many next year?") gets both intents, the
   * places and times asked split between them, and the figures compared.
   */
  private withSecond(intent: Intent, rec: RecognitionResult, r: Reading): Plan {
    const entity = intent.about[0];
    // "vs.", "both", two questions in one, or a comparison between two ("more in the big cities or at manager level?").
    const text = r.analysis.tokens.join(' ');
    const pairs = PAIRING.test(text) || r.frame.twoQuestions || (r.frame.comparative && /\bor\b/.test(text));
    if (!pairs || !entity || !intent.answer.facts) return this.checked(intent, r, rec.confidence);
    const own = this.parts.intents.filter(
      (i) => i !== intent && i.about[0] === entity && i.answer.facts && !i.answer.fallback,
    );
    const least =
      rec.ranking[0]!.score *
      (r.frame.twoQuestions ? this.options.secondQuestionShare : this.options.secondIntentShare);
    const second = this.recognizerOf(r.lang)
      .rank(
        r.analysis,
        undefined,
        own.map((i) => i.intent),
      )
      .find((x) => x.score >= least && x.score >= this.recognizerOf(r.lang).options.minScore);
    if (!second) return this.checked(intent, r, rec.confidence);
    const intents = [intent, this.byName.get(second.intent)!];
    return { intents, confidence: rec.confidence, compare: this.primaries(intents) };
  }

  /**
   * "Does Tianji have more users than LinkedIn?": for each entity named, its intent the question fits best (one
   * with a figure, when the question compares amounts), and the figures compared when both are in the article.
   */
  private compare(named: readonly Mention[], r: Reading, confidence: number): Plan | null {
    const amounts =
      r.frame.kind === 'number' || r.frame.kind === 'percent' || AMOUNTS.test(r.analysis.tokens.join(' '));
    const choices = named.map((m) => {
      const own = this.parts.intents.filter(
        (i) => i.about[0] === m.id && i.answer.facts && (!amounts || this.facts.get(i.answer.facts[0]!)?.figure),
      );
      return this.recognizerOf(r.lang)
        .rank(
          r.analysis,
          undefined,
          own.map((i) => i.intent),
        )
        .map((x) => ({ ...x, intent: this.byName.get(x.intent)! }));
    });
    // The surest choice sets the aspect; the other entities answer the same aspect where they have it.
    const lead = choices.flatMap((c) => c.slice(0, 1)).sort((a, b) => b.score - a.score)[0];
    if (!lead || lead.score < this.options.minComparedScore) return null;
    const intents: Intent[] = [];
    for (const ranked of choices) {
      // The same aspect as the surest choice needs no more evidence than that choice had.
      // The place asked decides between the entity's figures ("there", after China: its users in China), yes or no.
      const strict: Reading = {
        ...r,
        frame: { ...r.frame, yesNo: false },
        asked: { ...r.asked, frame: { ...r.frame, yesNo: false } },
      };
      const same =
        ranked.find((x) => x.intent.aspect === lead.intent.aspect && this.primaryMisfit(x.intent, strict) === null) ??
        ranked.find((x) => x.intent.aspect === lead.intent.aspect);
      const chosen =
        same ?? (ranked[0] && ranked[0].score >= this.options.minComparedScore / 2 ? ranked[0] : undefined);
      if (chosen && !intents.includes(chosen.intent)) intents.push(chosen.intent);
    }
    if (intents.length < 2) return null;
    return { intents, confidence, compare: this.primaries(intents) };
  }

  /** What the conversation is about now: the first person or organization of the last answer. */
  private salient(r: Reading): string | null {
    const wantsOrganization = ORGANIZATION_WORDS.test(r.analysis.tokens.join(' '));
    const e = r.state.entities.find((x) => (wantsOrganization ? x.kind === 'organization' : x.kind !== 'place'));
    return e?.id ?? null;
  }

  /**
   * "What did he say about WeChat?" after Derek Shen: his words that name it, their own words first, whatever the
   * recognizer's guess. None: the article has no words of theirs on it, when the question named them ("What does
   * Jin Xiaolei think of Tianji?"); "he" may mean someone else, so then the question goes on as usual. Where
   * they work is no topic of its own: "What did He Miao say about Tianji?" is all she says.
   */
  private saidOn(r: Reading, speaker: string, recognized: Intent, confidence: number): Plan | null {
    if (this.kinds.get(speaker) !== 'person') return null;
    const employers = this.employers(speaker);
    const topics = r.named
      .filter((m) => this.kinds.get(m.id) === 'organization' && !employers.has(m.id))
      .map((m) => m.id);
    if (topics.length === 0) return null;
    // Their words that name every topic, best covering the question first: the names are evidence enough.
    const theirs = (p: Passage) =>
      isWordsOf(p, speaker) && topics.every((t) => this.passageIndex.wordsOf(p).has(`@${t}`));
    const said = this.passageIndex.search(r.query, theirs, MAX_REMEMBERED).map((f) => f.passage);
    if (said.length === 0) {
      const byName = r.named.some((m) => m.id === speaker);
      return byName ? { miss: { kind: 'entity', entity: topics[0]! }, confidence } : null;
    }
    const passages = [...said.filter((p) => 'quote' in p), ...said.filter((p) => !('quote' in p))];
    // Named for the recognized intent when it gives the first of them, else for the intent that does.
    const first = passages[0]!;
    const lists =
      'quote' in first
        ? recognized.answer.quotes?.includes(first.quote.id)
        : recognized.answer.facts?.includes(factOf(first).fact.id);
    const intent = lists ? recognized.intent : this.intentOf(first);
    return { passages: passages.slice(0, MAX_WORDS_ON_A_TOPIC), intent, confidence };
  }

  /** The places and organizations a person's role names: where they work. */
  private employers(person: string): ReadonlySet<string> {
    return this.descriptions.get(person)?.names ?? new Set();
  }

  /** Whether the article gives words of this person or organization: a quote, or a fact it reports from them. */
  private saysAnything(id: string): boolean {
    // An organization speaks through its people: Analysys International through its analyst.
    const voices = [id, ...this.parts.knowledge.people.filter((p) => p.organization === id).map((p) => p.id)];
    return (
      this.parts.knowledge.quotes.some((q) => voices.includes(q.speaker)) ||
      [...this.facts.values()].some((f) => voices.includes(f.fact.details?.by ?? ''))
    );
  }

  /**
   * The person or organization a question has speak: the one named between "what did" and "say" ("What did
   * Sequoia China say about it?"), not one it asks about ("What does the analyst think of the WeChat deal?").
   */
  private speakerAsked(r: Reading): string | null {
    if (r.frame.kind === 'by') return null;
    const { tokens, mentions } = r.analysis;
    const verb = tokens.findIndex((t) => SAYING_VERBS.has(t));
    const aux = tokens.findIndex((t) => t === 'did' || t === 'does' || t === 'do' || t === 'has');
    if (verb < 0 || aux < 0 || aux > verb) return null;
    const speaker = mentions.find((m) => m.kind !== 'place' && m.start > aux && m.end <= verb);
    if (speaker) return speaker.id;
    // "What did he say?": whom the pronoun stands for, when it is a person and the question names nobody.
    const person = (id: string | null) => id !== null && this.kinds.get(id) === 'person';
    return person(r.referent) && !mentions.some((m) => person(m.id)) ? r.referent : null;
  }

  private primaries(intents: readonly Intent[]): FactInfo[] {
    return intents.map((i) => this.facts.get(i.answer.facts?.[0] ?? '')).filter((f) => f !== undefined);
  }

  /** The intent with the same aspect about the first of `entities` that has one, else a near miss. */
  private moveTo(intent: Intent, entities: readonly Mention[], r: Reading, confidence: number): Plan {
    for (const m of entities) {
      const found = this.withAspect(intent.aspect!, m.id);
      if (found.length > 0)
        return this.checked(found.find((i) => this.primaryMisfit(i, r) === null) ?? found[0]!, r, confidence);
    }
    // No intent asks this of it ("When was WeChat founded?"): what the article says of it, as a near miss.
    const entity = entities[0]!.id;
    const own = this.parts.intents.filter((i) => i.about[0] === entity && i.answer.facts && !i.answer.fallback);
    const ranked = this.recognizerOf(r.lang).rank(
      r.analysis,
      undefined,
      own.map((i) => i.intent),
    );
    // Its intent the question fits nearly as well as the one recognized answers it ("How important is the Chinese
    // market to LinkedIn?" is its joint venture's "one of its top priorities", not a view of the market).
    const best = ranked[0];
    const bestIntent = best && this.byName.get(best.intent)!;
    if (bestIntent && best.score >= this.options.moveShare * confidence && this.primaryMisfit(bestIntent, r) === null)
      return this.checked(bestIntent, r, best.score);
    const near = ranked.map((x) => this.byName.get(x.intent)!).find((i) => this.primaryMisfit(i, r) !== null);
    const otherwise: Plan = near
      ? this.nearMissFor(near, r, confidence)
      : { miss: { kind: 'entity', entity }, confidence };
    return this.searchOr(r, otherwise);
  }

  /**
   * The intent's answer when its main fact holds what the question asks (the kind of answer, the time, the
   * place); otherwise another intent with the same aspect that holds it, a fact that does, or a near miss.
   */
  private checked(intent: Intent, r: Reading, confidence: number): Plan {
    if (intent.answer.absent) return this.nearMissFor(intent, r, confidence);
    const why = this.primaryMisfit(intent, r);
    if (why === null)
      return (
        (confidence < this.options.sureScore ? this.outcovered(intent, r) : null) ?? this.inOrder(intent, r, confidence)
      );
    // "Is it based in Shanghai?" is answered by where it is based, "Did it grow in March?" by when it grew.
    if (r.frame.yesNo && ('time' in why || ('place' in why && this.kinds.has(why.place))))
      return { intents: [intent], confidence };
    // Another of its facts may hold the kind asked ("what month did Shen join?" asks his role's intent): those,
    // unless a fact elsewhere also shares the question's words ("where is Shen's team based?").
    if ('kind' in why || 'time' in why) {
      const all = (intent.answer.facts ?? []).map((id) => this.facts.get(id)!);
      // For a time it does not fit, another fact only when it shares the question's words ("satisfied so far?").
      const own = this.topicalStems(r);
      const fitting = all.filter(
        (f) =>
          misfit(f, this.askedFor(intent, r)) === null &&
          ('kind' in why || own.some((w) => f.words.has(w) && !all[0]!.words.has(w))),
      );
      const topical = this.topicalStems(r).filter((w) => !all.some((f) => f.words.has(w)));
      const elsewhere = topical.length > 0 ? this.search(r, intent.about.slice(0, 1)) : null;
      if (elsewhere) return elsewhere;
      // The facts that answer lead; the rest of the intent's answer follows.
      const ordered = [...fitting, ...all.filter((f) => !fitting.includes(f))];
      if (fitting.length > 0) return { passages: ordered.map((fact) => ({ fact })), intent: intent.intent, confidence };
    }
    const entity = intent.about[0];
    if (intent.aspect && entity) {
      const alternative = this.withAspect(intent.aspect, entity).find(
        (i) => i !== intent && this.primaryMisfit(i, r) === null,
      );
      if (alternative) return { intents: [alternative], confidence };
    }
    return this.searchOr(r, this.nearMissFor(intent, r, confidence));
  }

  /**
   * The intent's answer, led by the fact or quote of it that covers the question much better than its first does:
   * "Is he happy with how things are going?" is first answered by "satisfied", then by the target. A follow-up
   * ("over what period?") then asks of that one.
   */
  private inOrder(intent: Intent, r: Reading, confidence: number): Plan {
    const { answer } = intent;
    const own = this.passagesOf(intent).passages;
    if (answer.text || answer.list || own.length < 2) return { intents: [intent], confidence };
    const scores = this.passageIndex.coverage(r.query, own);
    let best = 0;
    for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
    if (best === 0 || scores[best]! < scores[0]! + this.options.leadBy) return { intents: [intent], confidence };
    const lead = own[best]!;
    return { passages: [lead, ...own.filter((p) => p !== lead)], intent: intent.intent, confidence };
  }

  /**
   * A fact or quote elsewhere that covers the question much better than anything the intent says, when the
   * intent was a guess: "Who described LinkedIn as a good catalyst?" is about LinkedIn, but only the analyst's
   * quote says "catalyst".
   */
  private outcovered(intent: Intent, r: Reading): Plan | null {
    if (!intent.answer.facts && !intent.answer.quotes) return null;
    const { keys: own, words: ours } = this.passagesOf(intent);
    const mine = this.passageIndex.search(r.query, (p) => own.has(passageKey(p)), 1)[0]?.score ?? 0;
    const found = this.search(r);
    if (!found || !('passages' in found) || own.has(passageKey(found.passages[0]!))) return null;
    // Two or more of the question's words that only the other passage has, or one the intent was never taught:
    // not one chance word ("what is Shen's job?" is his role's, though only his quote says "job").
    const theirs = this.passageIndex.wordsOf(found.passages[0]!);
    const extra = r.query.content.filter((f) => theirs.has(f) && !ours.has(f));
    const taught = this.taught(intent);
    const telling = extra.length >= 2 || (extra.length === 1 && !taught.has(extra[0]!));
    return telling && found.confidence >= mine + this.options.outcoveredBy ? found : null;
  }

  /** An intent's own facts and quotes as passages, their keys and their words: made once per intent. */
  private passagesOf(intent: Intent): { passages: Passage[]; keys: ReadonlySet<string>; words: ReadonlySet<string> } {
    let own = this.intentPassages.get(intent.intent);
    if (!own) {
      const passages: Passage[] = [
        ...(intent.answer.facts ?? []).map((id) => ({ fact: this.facts.get(id)! })),
        ...(intent.answer.quotes ?? []).map((id) => ({ quote: this.parts.knowledge.quotes.find((q) => q.id === id)! })),
      ];
      const keys = new Set(passages.map(passageKey));
      const words = new Set([...keys].flatMap((k) => [...this.passageIndex.wordsOfKey(k)]));
      own = { passages, keys, words };
      this.intentPassages.set(intent.intent, own);
    }
    return own;
  }

  /** Why the intent's main fact does not answer the question, or null when it does (or the intent has no facts). */
  private primaryMisfit(intent: Intent, r: Reading): Misfit {
    // An intent about the article itself ("where was it published?") answers as it is.
    if (intent.about.length === 0 && !intent.answer.absent) return null;
    const primary = this.facts.get(intent.answer.facts?.[0] ?? '');
    if (!primary) return r.frame.otherPlaces[0] ? { place: r.frame.otherPlaces[0].name } : null;
    return misfit(primary, this.askedFor(intent, r));
  }

  /**
   * What is asked, for this intent: less the places it is about ("Where do Chinese users live?" asks the cities'
   * intent about them), and with what its utterances say its figure counts ("white-collar workers").
   */
  private askedFor(intent: Intent, r: Reading): Asked {
    const { frame, named, topical, counted, within } = r.asked;
    const places = r.places.filter((p) => !intent.about.includes(p));
    return { frame, places, named, topical, counted, within, taught: this.taught(intent) };
  }

  private nearMissFor(intent: Intent, r: Reading, confidence: number): Plan {
    const nearest = (intent.answer.facts ?? []).map((id) => this.facts.get(id)!);
    if (intent.answer.absent) return { missing: { absent: intent }, nearest, confidence };
    const why = this.primaryMisfit(intent, r);
    if (!why || nearest.length === 0) return { miss: { kind: 'unknown' }, confidence };
    // The nearest of its facts: one with the broader kind asked ("in January" for "which year?"), else its main one.
    const broader = 'kind' in why ? BROADER_KIND[why.kind] : undefined;
    const closest =
      (broader && nearest.find((f) => misfit(f, { ...r.asked, frame: { ...r.frame, kind: broader } }) === null)) ||
      nearest[0]!;
    return { missing: this.missingOf(why, asksAmount(r)), nearest: [closest], confidence };
  }

  private missingOf(why: NonNullable<Misfit>, asksAmount: boolean): Missing {
    if ('kind' in why) return { kind: why.kind };
    const figure = asksAmount;
    if ('time' in why) return { where: { time: why.time }, figure };
    return { where: { place: why.place }, figure };
  }

  /**
   * A question the recognizer finds out of scope that is close to an intent whose main fact fails it for a
   * reason one can name ("worldwide", "in March", "which year"): an honest near miss with that fact, rather than
   * a bare apology. An intent about another entity than the one named is no such near miss.
   */
  private nearestMiss(r: Reading, rec: RecognitionResult): Plan | null {
    for (const candidate of rec.ranking.slice(0, 3)) {
      const intent = this.byName.get(candidate.intent);
      if (!intent?.answer.facts || intent.answer.fallback || candidate.score < this.options.minNearMissScore) continue;
      const concerns = this.concerns.get(intent.intent)!;
      if (r.named.some((m) => !concerns.has(m.id))) continue;
      if (this.primaryMisfit(intent, r) === null) continue;
      return this.nearMissFor(intent, r, rec.confidence);
    }
    return null;
  }

  /** No intent is sure: the fact or quote that covers the question best, if it covers enough; else `otherwise`. */
  private unrecognized(r: Reading, rec: RecognitionResult): Plan {
    const named = r.named[0];
    const miss: Plan = named
      ? { miss: { kind: 'entity', entity: named.id }, confidence: rec.confidence }
      : { miss: { kind: 'unknown' }, confidence: rec.confidence };
    return this.searchOr(r, miss);
  }

  /** The best fact or quote for the question when it covers enough of it and holds what it asks; else `otherwise`. */
  private searchOr(r: Reading, otherwise: Plan): Plan {
    return this.search(r) ?? otherwise;
  }

  /**
   * The best fact or quote for the question, when it covers enough of it and holds what it asks. It must name
   * every entity the question names, and those in `required` (what the question is about when it says "she"),
   * and be one `only` lets through.
   */
  private search(
    r: Reading,
    required: readonly string[] = [],
    only: (p: Passage) => boolean = () => true,
  ): Plan | null {
    const names = (p: Passage) =>
      'quote' in p
        ? [p.quote.speaker, ...this.concerns.get(this.intentOf(p))!]
        : [factOf(p).fact.subject, ...factOf(p).entities];
    const needed = [...r.asked.named, ...(r.referent ? [r.referent] : []), ...required];
    const accept = (p: Passage) => {
      if (!only(p)) return false;
      const named = names(p);
      return (
        needed.every((id) => named.includes(id)) &&
        ('quote' in p ? quoteAnswers(p.quote.text, r.frame.kind) : misfit(factOf(p), r.asked) === null)
      );
    };
    if (r.frame.otherPlaces.length > 0) return null;
    // A passage that holds the very kind of answer asked ("which city", "what year") needs less of the wording.
    const least =
      this.options.minPassageCoverage - (r.frame.kind && SPECIFIC_KINDS.has(r.frame.kind) ? this.options.kindBonus : 0);
    const found = this.passageIndex.search(r.query, accept, 1, least)[0];
    if (!found) return null;
    return { passages: [found.passage], intent: this.intentOf(found.passage), confidence: found.score };
  }

  private intentOf(passage: Passage): string {
    if (!('quote' in passage)) return this.intentOfFact.get(factOf(passage).fact.id) ?? 'article.passage';
    const speaker = passage.quote.speaker;
    return (
      this.parts.intents.find((i) => i.answer.quotes?.includes(passage.quote.id) && i.about[0] === speaker)?.intent ??
      'article.passage'
    );
  }

  /** What the conversation was about, as a question's analysis: the last question's content words. */
  private contextOf(state: ConversationState): Analysis | undefined {
    const content = state.context ?? [];
    if (content.length === 0) return undefined;
    return {
      tokens: [],
      mentions: [],
      pronouns: [],
      features: content,
      content,
      synonyms: [],
      words: content.map((f) => f.replace(/^@/, '')),
    };
  }

  /** The question's content with the last question's added: what a follow-up with no topic asks about. */
  private contextAnalysis(r: Reading): Analysis {
    const context = this.contextOf(r.state);
    if (!context) return r.analysis;
    return { ...r.analysis, content: [...new Set([...r.analysis.content, ...context.content])] };
  }

  private lastIntent(state: ConversationState): Intent | undefined {
    return state.lastIntent ? this.byName.get(state.lastIntent) : undefined;
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

  private render(r: Reading, plan: Plan): Turn {
    const mentioned = r.analysis.mentions.map(({ id, kind }) => ({ id, kind }));
    // "And Tianji?" asks the last question's topic again: its words stay the context.
    const ownTopic = r.hasTopic && !elliptical(r);
    const context = ownTopic ? r.analysis.content.slice(0, MAX_CONTEXT) : (r.state.context ?? []);
    // What "And Tianji?" asks again: the kind of answer of the last question that had a topic of its own.
    const asked = r.frame.kind ?? (ownTopic && !r.frame.refersBack ? undefined : r.state.asked);
    if ('miss' in plan) {
      const reply = this.speaker(r.lang).fallbacks.reply(r.said, plan.miss, plan.confidence);
      return {
        reply,
        state: remember(r.state, {
          refs: mentioned,
          intent: r.state.lastIntent,
          facts: r.state.facts ?? [],
          quotes: r.state.quotes ?? [],
          context: r.state.context ?? [],
          asked: r.state.asked,
        }),
      };
    }
    if ('missing' in plan) {
      const { answerer, fallbacks } = this.speaker(r.lang);
      const answer = answerer.nearMiss(
        plan.missing,
        plan.nearest.map((f) => f.fact),
      );
      const subject = plan.nearest[0]?.fact.subject;
      const suggestions = subject
        ? fallbacks.suggestAbout(r.said, subject)
        : fallbacks.suggest(r.said, fallbacks.defaults);
      const text = `${answer.text}\n${fallbacks.youCouldAsk(suggestions)}`.trim();
      const reply = fallbackReply(text, plan.confidence, suggestions, answer.sources, r.lang);
      const refs = [...plan.nearest.map((f) => this.ref(f.fact.subject)), ...mentioned];
      return {
        reply,
        state: remember(r.state, {
          refs,
          intent: r.state.lastIntent,
          facts: plan.nearest.map((f) => f.fact.id),
          quotes: [],
          context,
          asked,
        }),
      };
    }
    const { answerer, fallbacks } = this.speaker(r.lang);
    let answer: Answer;
    let intent: string;
    let facts: FactInfo[];
    let quotes: string[] = [];
    if ('intents' in plan) {
      answer = answerer.answer(plan.intents);
      const compared = plan.compare?.length === 2 ? answerer.comparison(plan.compare[0]!, plan.compare[1]!) : null;
      if (compared) answer = { ...answer, text: `${answer.text}\n${compared}` };
      intent = plan.intents[0]!.intent;
      facts = plan.intents.flatMap((i) => (i.answer.facts ?? []).map((id) => this.facts.get(id)!));
      quotes = plan.intents.flatMap((i) => i.answer.quotes ?? []);
    } else if ('attribution' in plan) {
      answer = answerer.attribution(plan.attribution.fact);
      intent = plan.intent;
      facts = [plan.attribution];
    } else {
      answer = answerer.passages(
        plan.passages.map((p) =>
          'quote' in p ? { quote: p.quote } : 'fact' in p ? { fact: p.fact.fact } : { sentence: p.sentence.fact },
        ),
      );
      intent = plan.intent;
      facts = plan.passages.flatMap((p) => ('quote' in p ? [] : [factOf(p)]));
      quotes = plan.passages.flatMap((p) => ('quote' in p ? [p.quote.id] : []));
    }
    const answered = this.byName.get(intent);
    // What the answer was about comes first, so "it" and "she" mean it; then the rest of its intent's facts.
    const refs = [
      ...facts.slice(0, 1).flatMap((f) => [f.fact.subject, ...f.entities].map((id) => this.ref(id))),
      ...facts.map((f) => this.ref(f.fact.subject)),
      ...quotes.map((id) => this.ref(this.parts.knowledge.quotes.find((q) => q.id === id)!.speaker)),
      ...mentioned,
      ...(answered?.about ?? []).map((id) => this.ref(id)),
    ];
    const factIds = [...new Set([...facts.map((f) => f.fact.id), ...(answered?.answer.facts ?? [])])];
    const { language } = answerer;
    const suggestions =
      'intents' in plan
        ? plan.intents.flatMap((i) => language.suggestions(i))
        : answered
          ? language.suggestions(answered)
          : [];
    const reply = toReply(intent, plan.confidence, answer, fallbacks.suggest(r.said, suggestions), r.lang);
    return { reply, state: remember(r.state, { refs, intent, facts: factIds, quotes, context, asked }) };
  }
}

/**
 * Where a question asks the name of something, as token positions: "what is the name of [the Beijing-based
 * platform]", "what is [the joint venture] called", "what is [WeChat] called in Chinese", "what is [Derek Shen]
 * Chinese name".
 */
function askedName(tokens: readonly string[]): { start: number; end: number } | null {
  const text = tokens.join(' ');
  for (const pattern of NAME_QUESTIONS) {
    const m = pattern.exec(text);
    const x = m?.groups?.x;
    if (!m || !x) continue;
    const start = text.slice(0, m.index + m[0].lastIndexOf(x)).split(' ').length - 1;
    return { start, end: start + x.split(' ').length };
  }
  return null;
}

/** The head word of a role or description: its last word before "of", "with", a comma ("a Beijing-based platform"). */
function headWord(text: string): string | undefined {
  const before = text.split(/,|;| (?:of|with|in|whose|based|founded|that|which)\b/)[0] ?? '';
  return tokenize(before).at(-1);
}

/** Whether the question is only an entity, place or scope and words like "and what about": "And Tianji?" */
function elliptical(r: Reading): boolean {
  const { tokens, mentions } = r.analysis;
  if (mentions.length + r.frame.scope.length + r.frame.otherPlaces.length === 0) return false;
  return tokens.every(
    (t, i) =>
      ELLIPSIS_WORDS.has(t) ||
      mentions.some((m) => i >= m.start && i < m.end) ||
      r.frame.otherPlaces.some((p) => i >= p.start && i < p.end),
  );
}

/** Whether a question asks an amount: "how many", "what percentage", "how much". */
function asksAmount(r: Reading): boolean {
  const { kind } = r.frame;
  // "And in Brazil?" asks again what the last question asked: a figure, after "how many members...?".
  const asked = kind ?? (elliptical(r) ? r.state.asked : undefined);
  return asked === 'number' || asked === 'percent' || r.frame.counted.length > 0;
}

/** The analysis with an entity added, as if the question had named it ("it" standing for Tianji.com). */
function withEntity(analysis: Analysis, id: string): Analysis {
  const feature = `@${id}`;
  if (analysis.content.includes(feature)) return analysis;
  return {
    ...analysis,
    features: [...analysis.features, feature],
    content: [...analysis.content, feature],
    words: [...analysis.words, id],
  };
}

/** Whether a quote can answer a question asking this kind: why, who, or how many when it says a number ("two identities"). */
function quoteAnswers(text: string, kind: AnswerKind | null): boolean {
  if (!kind || QUOTE_KINDS.has(kind)) return true;
  return kind === 'number' && /\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten)\b/i.test(text);
}

/** Whether a passage gives someone's words: their quote, or a fact the article reports from them. */
function isWordsOf(p: Passage, speaker: string): boolean {
  return 'quote' in p ? p.quote.speaker === speaker : factOf(p).fact.details?.by === speaker;
}

/** The fact a passage that is not a quote gives or rests on. */
function factOf(p: { fact: FactInfo } | { sentence: FactInfo }): FactInfo {
  return 'fact' in p ? p.fact : p.sentence;
}

/** Whether two facts hold for the same places (a follow-up keeps to the last answer's scope). */
function sameScope(a: FactInfo, b: FactInfo): boolean {
  const wide = (f: FactInfo) => f.scope.includes('world');
  return wide(a) === wide(b);
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

/** What a turn leaves for the next: what it was about, its intent, facts, quotes, and the question's content. */
interface Remembered {
  refs: readonly EntityRef[];
  intent: string | null;
  facts: readonly string[];
  quotes: readonly string[];
  context: readonly string[];
  asked: string | undefined;
}

function remember(state: ConversationState, turn: Remembered): ConversationState {
  const entities: EntityRef[] = [];
  for (const e of [...turn.refs, ...state.entities]) {
    if (!entities.some((x) => x.id === e.id)) entities.push(e);
  }
  return {
    lastIntent: turn.intent,
    entities: entities.slice(0, MAX_REMEMBERED),
    turns: state.turns + 1,
    facts: turn.facts.slice(0, MAX_REMEMBERED),
    quotes: turn.quotes.slice(0, MAX_REMEMBERED),
    context: turn.context.slice(0, MAX_CONTEXT),
    ...(turn.asked ? { asked: turn.asked } : {}),
  };
}
