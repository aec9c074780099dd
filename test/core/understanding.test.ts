import { describe, expect, it } from 'vitest';
import { ARTICLE_FLAT, conversation, sharedBot } from '../support/article.js';

const { engine, recognizer } = await sharedBot();

const converse = (questions: readonly string[]) => conversation(engine, questions);

/** The examples of the issue that asked for understanding beyond the intents' own phrasings. */
describe('questions worded as users word them', () => {
  it.each([
    { q: 'What does the writer call WeChat?', has: ['reigning mobile messaging application'] },
    { q: 'Which Chinese networking site is already established?', has: ['well-established players', 'Tianji'] },
    { q: 'Which local rivals does LinkedIn face?', has: ['Tianji'] },
    { q: "In which city does Shen's team work?", has: ['Beijing'], not: ['United States-based'] },
    { q: 'What is Sequoia China?', has: ['joint venture', 'Sequoia China'] },
    { q: 'What did the president of LinkedIn China say?', has: ['Derek Shen', 'two identities'] },
    { q: "what did linkedin china's boss say", has: ['Derek Shen'] },
    { q: "Who is the man leading LinkedIn's Beijing team?", has: ['Derek Shen'] },
  ])('$q', ({ q, has, not = [] }) => {
    const { reply } = engine.respond(q);
    expect(reply.fallback, reply.text).toBe(false);
    for (const words of has) expect(reply.text).toContain(words);
    for (const words of not) expect(reply.text).not.toContain(words);
  });

  it.each([
    ['three hundred million members?', '300 million'],
    ['did tianji add five hundred thousand users a month', '500,000'],
    ['is the chinese user target ten million', '10 million'],
  ])('reads numbers written as words: %s', (q, figure) => {
    expect(engine.respond(q).reply.text).toContain(figure);
  });
});

describe('names, however they are typed', () => {
  it.each([
    ['who is derek sheen', 'derek-shen'],
    ['what did jin xiaolie say', 'jin-xiaolei'],
    ['how many members does Linked In have', 'linkedin'],
    ['how many users does tian ji have', 'tianji'],
    ['what does jin xiao lei do', 'jin-xiaolei'],
    ['who is derekshen', 'derek-shen'],
    ['how many users does we chat have', 'wechat'],
    ['what is tianjin.com', 'tianji'],
    ['what is china broadband capitol', 'china-broadband-capital'],
  ])('%s names %s', (q, id) => {
    expect(recognizer.analyze(q).mentions.map((m) => m.id)).toContain(id);
  });

  it.each([
    ['Is LinkedIn popular in Tianjin?', 'tianji'],
    ['and then what happened', 'derek-shen'],
    ['is he mean', 'he-miao'],
  ])('never invents a name the question does not give: %s has no %s', (q, id) => {
    expect(recognizer.analyze(q).mentions.map((m) => m.id)).not.toContain(id);
  });

  it('treats a place the article does not name as a place, not a misspelt name', () => {
    const { reply } = engine.respond('How many LinkedIn members live in Tianjin?');
    expect(reply.fallback).toBe(true);
    expect(reply.text).not.toContain('Tianji.com');
  });
});

describe('honest partial answers for near misses', () => {
  it('"How many members does LinkedIn have in Brazil?" gives no figure for Brazil, and the global one as the nearest', () => {
    const { reply } = engine.respond('How many members does LinkedIn have in Brazil?');
    expect(reply).toMatchObject({ fallback: true, intent: null });
    expect(reply.text).toContain('The article does not give a figure for Brazil.');
    expect(reply.text).toContain('LinkedIn has more than 300 million members globally (paragraph 2)');
    expect(reply.sources).toEqual([expect.objectContaining({ paragraph: 2 })]);
    for (const s of reply.sources) expect(ARTICLE_FLAT).toContain(s.text);
  });

  it.each([
    ['How many WeChat users are there worldwide?', '500 million users in China'],
    ['How many daily new users did LinkedIn get in March?', '80 percent'],
    ['What year did Derek Shen join LinkedIn?', 'in January'],
    ['Who founded Tianji?', 'founded in 2005'],
    ['When was WeChat founded?', 'reigning mobile messaging application'],
    ['How many employees does LinkedIn China have?', null],
    ["What's LinkedIn's China user target for the end of this year?", '10 million by early next year'],
    ['When was the article published?', 'copyright notice'],
  ])('%s says the article does not give it', (q, nearest) => {
    const { reply } = engine.respond(q);
    expect(reply.fallback, reply.text).toBe(true);
    expect(reply.intent).toBeNull();
    expect(reply.text).toMatch(/does not (say|give)/);
    if (nearest) expect(reply.text).toContain(nearest);
  });

  it('does not give the copyright notice as the date the article was published', () => {
    for (const q of ['When was the article published?', 'what year is this news from?']) {
      const { reply } = engine.respond(q);
      expect(reply.fallback).toBe(true);
      expect(reply.text).toMatch(/^The article does not give a publication date\./);
      expect(reply.text).toContain('said on Thursday');
    }
  });
});

describe('questions about two things', () => {
  it('"Does Tianji have more users than LinkedIn China?" gives both figures and compares them', () => {
    const { reply } = engine.respond('Does Tianji have more users than LinkedIn China?');
    expect(reply.fallback).toBe(false);
    expect(reply.text).toContain('more than 18 million users');
    expect(reply.text).toContain('5 million');
    expect(reply.text).toContain(
      "By the article's figures, Tianji.com has the larger figure: more than 18 million, against 5 million for LinkedIn.",
    );
  });

  it('gives both figures of one entity when the question pairs them, without ranking them', () => {
    const { reply } = engine.respond('LinkedIn China: current users vs. target?');
    expect(reply.text).toContain('exceeded 5 million');
    expect(reply.text).toContain('10 million by early next year');
    expect(reply.text).not.toContain("By the article's figures");
  });

  it.each([
    { q: "Out of LinkedIn's Chinese users, how many use the Chinese site?", has: ['Nearly 1 million', '5 million'] },
    { q: "Does LinkedIn's 10 million target exceed Tianji's current user base?", has: ['10 million', '18 million'] },
    { q: 'Are more LinkedIn users in the big cities or at manager level?', has: ['60 percent', '42 percent'] },
  ])('pairs "$q"', ({ q, has }) => {
    const { reply } = engine.respond(q);
    for (const h of has) expect(reply.text).toContain(h);
  });

  it('names the well-established player the article presents', () => {
    const { reply } = engine.respond('Which well-established players will LinkedIn meet?');
    expect(reply.text).toContain('well-established players');
    expect(reply.text).toContain('Tianji.com');
  });
});

describe('follow-ups that follow', () => {
  it.each([
    { said: ['Tell me about the joint venture', 'when was it set up?'], has: 'January', not: '2005' },
    {
      said: ['What is the target for Chinese users?', 'and how many are there now?'],
      has: '5 million',
      not: '500 million',
    },
    { said: ['How much did daily new users grow?', 'compared to when?'], has: 'January' },
    { said: ['How many people use WeChat?', 'says who?'], has: 'Derek Shen' },
    { said: ['How many users does Tianji have?', 'when was it founded?'], has: '2005' },
    {
      said: ['Who is Jin Xiaolei?', 'where does she work?', 'what kind of company is that?'],
      has: 'Internet consultancy',
    },
    { said: ['What did the analyst say about LinkedIn?', 'says who?'], has: 'Jin Xiaolei' },
    { said: ['How big is Tianji?', 'over what period did it grow?'], has: 'over the past year' },
    { said: ['How many users does WeChat have?', 'and LinkedIn China?'], has: '5 million', not: '300 million' },
    { said: ['How many users does WeChat have?', 'And LinkedIn?'], has: '300 million', not: '500 million' },
    { said: ['Who is He Miao?', 'Who is Derek Shen?', 'back to He Miao: what did she say?'], has: 'localization' },
    { said: ['What did Jin Xiaolei say about WeChat?', 'how many users does it have?'], has: '500 million' },
    // Asking for more of what the last answer said: the rest of its sentence, or the detail it holds.
    { said: ['How many Chinese professionals does LinkedIn hope to reach?', 'through what?'], has: 'joint venture' },
    { said: ['How many Chinese professionals does LinkedIn hope to reach?', 'with whom?'], has: 'Sequoia China' },
    { said: ['What is LinkedIn planning instead of ads?', 'with whom?'], has: 'MBA programs' },
    { said: ['What is LinkedIn planning instead of ads?', 'where?'], has: "China's biggest cities" },
    // A word only another fact has, which the intent was never taught, moves the answer there.
    { said: ['Who is Derek Shen?', 'is he satisfied?'], has: 'track record' },
    // "And X?" when no intent asks the same of X: its facts that say what the last question asked.
    { said: ['Where is LinkedIn Corp based?', 'And Tianji?'], has: 'Beijing-based' },
    // A question with no subject of its own is about what the last answer was about.
    { said: ['When was Tianji founded?', 'How many users?'], has: '18 million' },
    // "Who said …?" about words the last answer did not have is a new question.
    { said: ['What did Derek Shen say about WeChat?', 'and who said the market will heat up?'], has: 'Jin Xiaolei' },
    // Words the question quotes are looked up word for word.
    { said: ["Who said 'People have two identities'?"], has: 'Derek Shen' },
    // "Where?" after a figure: where it holds.
    { said: ['How many members does LinkedIn have?', 'where?'], has: 'globally' },
    // What someone said about something: their own words on it first.
    { said: ['Who is Derek Shen?', 'What did he say about WeChat?'], has: 'private lives' },
    // Another figure than the one just given: what it is a part of, or how many there are so far.
    { said: ["How many people use LinkedIn's Chinese site?", 'Out of how many?'], has: '5 million' },
    {
      said: ['How many Chinese professionals does LinkedIn want to connect with?', 'How many has it got so far?'],
      has: '5 million',
    },
    // The same speaker on another topic.
    { said: ['What did Derek Shen say about WeChat?', 'and about LinkedIn?'], has: 'Derek Shen said' },
  ])('$said.0 / $said.1', ({ said, has, not }) => {
    const replies = converse(said);
    const last = replies.at(-1)!;
    expect(last.fallback, last.text).toBe(false);
    expect(last.text).toContain(has);
    if (not) expect(last.text).not.toContain(not);
  });

  it("answers from the named entity's intent that fits the question nearly as well as the one recognized", () => {
    const [reply] = converse(['How important is the Chinese market to LinkedIn?']);
    expect(reply!.fallback).toBe(false);
    expect(reply!.text).toContain('top priorities');
  });

  it('reads past politeness around the question', () => {
    const [miao] = converse(['I was wondering if you could tell me: who is He Miao?']);
    expect(miao!.text).toContain('marketing director');
    const [site] = converse([
      "Sorry to bother you, but could you please tell me how many people use LinkedIn's Chinese site?",
    ]);
    expect(site!.text).toContain('Nearly 1 million');
  });

  it('reads a message of several sentences as people write them', () => {
    const [joined] = converse([
      "Hey there, hope you're having a good day. I was curious about Derek Shen. When exactly did he join LinkedIn?",
    ]);
    expect(joined!.text).toContain('in January');
    expect(joined!.text).toContain('Derek Shen joined');
    const [thanks] = converse(['Hello! How many users does Tianji have? Many thanks.']);
    expect(thanks!.text).toContain('18 million');
    // "vs." ends no sentence.
    const [pair] = converse(['LinkedIn China: current users vs. target?']);
    expect(pair!.text).toContain('5 million');
    expect(pair!.text).toContain('10 million');
  });

  it("leads an intent's answer with the part of it that the question is about", () => {
    const [reply] = converse(["What did Shen say about people's two identities?"]);
    expect(reply!.text.split('\n')[0]).toContain('People have two identities');
    expect(reply!.text).toContain('roll out a service');
  });

  it('answers from the fact whose own words the question has, of two facts from one sentence', () => {
    const [reply] = converse(['Where will LinkedIn hold its seminars?']);
    expect(reply!.text).toContain('creative campaigns');
    expect(reply!.text).not.toContain('advertisements');
  });

  it('says so when the article has no words of someone on something, or no one by the title asked', () => {
    const [jin] = converse(['What does Jin Xiaolei think of Tianji?']);
    expect(jin).toMatchObject({ fallback: true });
    expect(jin!.text).toContain('Tianji.com');
    // Her own company is what she speaks for: no topic of its own.
    const [miao] = converse(['What did He Miao say about Tianji?']);
    expect(miao!.fallback).toBe(false);
    const [, ceo] = converse(['Where is LinkedIn based?', 'Who is its CEO?']);
    expect(ceo!.fallback).toBe(true);
    expect(ceo!.text).toContain('does not say who');
    const [president] = converse(['Who is the president of LinkedIn China?']);
    expect(president!.text).toContain('Derek Shen');
    // "it" is named too: Tianji did not found itself, nor does a sentence naming LinkedIn say who did.
    const [, founded] = converse(['How fast is Tianji growing?', 'Who founded it?']);
    expect(founded!.fallback).toBe(true);
  });

  it('asks "which universities?" of a fact that names some, and says so when none is named', () => {
    const [universities] = converse(['Which universities will LinkedIn hold seminars with?']);
    expect(universities).toMatchObject({ fallback: true });
    expect(universities!.text).toContain('The article does not say which ones.');
    const [partners] = converse(['Which partners did LinkedIn work with in January?']);
    expect(partners!.text).toContain('Sequoia China');
    const [platform] = converse(['Which platform has 18 million users?']);
    expect(platform!.text).toContain('Tianji.com');
  });

  it.each([
    // Named by what the article calls it: the head word of its description or role, and whose it is.
    { q: 'What is the name of the Beijing-based platform?', has: 'Tianji.com', fallback: false },
    { q: "What is the name of Tianji's marketing director?", has: 'He Miao', fallback: false },
    { q: 'What is the name of the president of LinkedIn China?', has: 'Derek Shen', fallback: false },
    { q: 'What is the name of the consultancy Jin works for?', has: 'Analysys International', fallback: false },
    // Nothing the article describes so: it does not say what it is called.
    {
      q: "What is the name of LinkedIn's joint venture in China?",
      has: 'does not say what it is called',
      fallback: true,
    },
    // Another name for what the article names one way.
    { q: 'What is WeChat called in Chinese?', has: 'The article gives no other name for WeChat.', fallback: true },
    { q: "What is Derek Shen's Chinese name?", has: 'no other name for Derek Shen', fallback: true },
  ])('names: $q', ({ q, has, fallback }) => {
    const [reply] = converse([q]);
    expect(reply!.fallback, reply!.text).toBe(fallback);
    expect(reply!.text).toContain(has);
  });

  it('says what the article does not give about the last answer, and keeps to it', () => {
    const [, when] = converse(['How many people use WeChat?', 'when was that?']);
    expect(when).toMatchObject({ fallback: true, intent: null });
    expect(when!.text).toContain('The article does not say when.');
    expect(when!.text).toContain('500 million');
    const [, percent] = converse([
      "How many of LinkedIn's Chinese users use the Chinese site?",
      'how much is that in percent?',
    ]);
    expect(percent!.fallback).toBe(true);
    expect(percent!.text).toContain('Nearly 1 million');
  });

  it('remembers what the last answer was about, most salient first, in a state that stays small', () => {
    const turn = engine.respond('When was Tianji founded?');
    expect(turn.state.entities[0]).toEqual({ id: 'tianji', kind: 'organization' });
    expect(turn.state.facts).toEqual(['tianji-founded']);
    expect(turn.state.lastIntent).toBe('tianji.founded');
    expect(JSON.stringify(turn.state).length).toBeLessThan(600);
  });
});
