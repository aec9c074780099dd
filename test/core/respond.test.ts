import { describe, expect, it } from 'vitest';
import { emptyState, isConversationState } from '../../src/core/types.js';
import { ARTICLE_FLAT, ARTICLE_TEXT, conversation, fixture, sharedBot } from '../support/article.js';

const { engine, knowledge } = await sharedBot();

const converse = (questions: readonly string[]) => conversation(engine, questions);

describe('respond(): answers', () => {
  it.each([
    { q: 'How many members does LinkedIn have?', intent: 'linkedin.members', words: ['300 million', 'paragraph 2'] },
    { q: 'How many users does WeChat have?', intent: 'wechat.users', words: ['500 million', 'paragraph 4'] },
    {
      q: 'How many Chinese users does LinkedIn have?',
      intent: 'linkedin.china-users',
      words: ['5 million', 'end of May'],
    },
    { q: 'When was Tianji founded?', intent: 'tianji.founded', words: ['2005', 'paragraph 13'] },
    { q: 'How fast is Tianji growing?', intent: 'tianji.growth', words: ['500,000'] },
    {
      q: "What is LinkedIn's user target in China?",
      intent: 'linkedin.user-target',
      words: ['10 million', 'early next year'],
    },
    {
      q: 'Who are the partners in the joint venture?',
      intent: 'linkedin.joint-venture',
      words: ['Sequoia China', 'China Broadband Capital'],
    },
    { q: 'What share of users are managers?', intent: 'linkedin.user-seniority', words: ['42 percent'] },
    { q: 'Who is Derek Shen?', intent: 'people.derek-shen', words: ['president of LinkedIn China', 'January'] },
    {
      q: 'What is the key to success in China?',
      intent: 'market.localization',
      words: ['localization', 'paragraph 15'],
    },
    { q: 'linkedn memebers', intent: 'linkedin.members', words: ['300 million'] },
    { q: 'wechat user numbr', intent: 'wechat.users', words: ['500 million'] },
    { q: 'who is he maio', intent: 'people.he-miao', words: ['marketing director', 'Tianji.com'] },
  ])('$q -> $intent', ({ q, intent, words }) => {
    const { reply } = engine.respond(q);
    expect(reply.intent).toBe(intent);
    expect(reply.fallback).toBe(false);
    for (const w of words) expect(reply.text).toContain(w);
    expect(reply.sources.length).toBeGreaterThan(0);
    for (const s of reply.sources) expect(ARTICLE_FLAT).toContain(s.text);
  });

  it('gives a quote as the exact words with the speaker name and role', () => {
    const { reply } = engine.respond('What did He Miao say?');
    expect(reply.intent).toBe('quotes.he-miao');
    const expected = knowledge.quotes.filter((q) => q.speaker === 'he-miao');
    expect(reply.quotes.map((q) => q.text)).toEqual(expected.map((q) => q.text));
    for (const quote of reply.quotes) {
      expect(quote).toMatchObject({ speaker: 'He Miao', role: 'marketing director of Tianji.com' });
      expect(ARTICLE_TEXT).toContain(`"${quote.text}`);
      expect(reply.text).toContain(`"${quote.text}" (paragraph ${quote.paragraph}).`);
    }
    expect(reply.text).toContain(`He Miao, marketing director of Tianji.com, said: "${reply.quotes[0]!.text}"`);
    expect(reply.text).toContain(`He Miao also said: "${reply.quotes[1]!.text}"`);
  });

  it('answers small talk as answers, not fallbacks', () => {
    for (const [q, intent] of [
      ['hello', 'smalltalk.greeting'],
      ['what can I ask you?', 'smalltalk.help'],
      ['thanks a lot', 'smalltalk.thanks'],
      ['goodbye', 'smalltalk.goodbye'],
    ] as const) {
      const { reply } = engine.respond(q);
      expect(reply).toMatchObject({ intent, fallback: false });
      expect(reply.text.length).toBeGreaterThan(0);
    }
  });

  it('lists the people quoted and the companies named', () => {
    const quoted = engine.respond('Who is quoted in the article?').reply;
    for (const p of knowledge.people) expect(quoted.text).toContain(`${p.name}, ${p.role}`);
    const companies = engine.respond('Which companies does the article mention?').reply;
    for (const o of knowledge.organizations) expect(companies.text).toContain(o.name);
  });
});

describe('respond(): questions the article does not answer', () => {
  it.each([
    'When was LinkedIn founded?',
    "What is Tencent's share price?",
    'How many employees does Tianji have?',
    'What is the weather in Beijing tomorrow?',
    'asdfghjkl',
    '???',
  ])('%s -> an honest fallback with 2 or 3 suggestions that work', (q) => {
    const { reply } = engine.respond(q);
    expect(reply).toMatchObject({ fallback: true, intent: null, quotes: [] });
    expect(reply.text).toMatch(/does not (say|give)/);
    // A near miss gives the nearest things the article does say as its sources; a question about nothing, none.
    for (const s of reply.sources) expect(ARTICLE_FLAT).toContain(s.text);
    if (reply.sources.length > 0) expect(reply.text).toContain('What it does say:');
    expect(reply.suggestions.length).toBeGreaterThanOrEqual(2);
    expect(reply.suggestions.length).toBeLessThanOrEqual(3);
    for (const s of reply.suggestions) {
      expect(reply.text).toContain(s);
      expect(engine.respond(s).reply.fallback).toBe(false);
    }
  });

  it('names the entity when the article says other things about it', () => {
    const { reply } = engine.respond('How many employees does WeChat have?');
    expect(reply.fallback).toBe(true);
  });
});

describe('respond(): follow-ups', () => {
  it('"Which company does she work for?" after "Who is He Miao?" answers Tianji', () => {
    const [, second] = converse(['Who is He Miao?', 'Which company does she work for?']);
    expect(second!.text).toContain('Tianji');
    expect(second!.fallback).toBe(false);
  });

  it('"How many users does it have?" after "Tell me about Tianji" answers 18 million', () => {
    const [, second] = converse(['Tell me about Tianji', 'How many users does it have?']);
    expect(second!.intent).toBe('tianji.users');
    expect(second!.text).toContain('18 million');
  });

  it('"And LinkedIn?" after "How many users does WeChat have?" answers about LinkedIn\'s users', () => {
    const [first, second] = converse(['How many users does WeChat have?', 'And LinkedIn?']);
    expect(first!.text).toContain('500 million');
    expect(second!.intent).toMatch(/^linkedin\./);
    expect(second!.text).toContain('300 million');
    expect(second!.text).not.toContain('500 million');
  });

  it('resolves "she" to the most recent woman and "he" to the most recent man', () => {
    const replies = converse([
      'Who is Jin Xiaolei?',
      'Who is Derek Shen?',
      'What did she say?',
      'And what did he say?',
    ]);
    expect(replies[2]!.intent).toBe('quotes.jin-xiaolei');
    expect(replies[3]!.intent).toBe('quotes.derek-shen');
  });

  it('asks who "she" or "it" means when nobody has been mentioned yet, suggesting the question with each name', () => {
    const she = engine.respond('What is her job?').reply;
    expect(she).toMatchObject({ fallback: true, intent: null, text: 'Who do you mean: He Miao or Jin Xiaolei?' });
    expect(she.suggestions).toEqual(["What is He Miao's job?", "What is Jin Xiaolei's job?"]);
    for (const s of she.suggestions) expect(engine.respond(s).reply.intent).toMatch(/^people\./);

    const it = engine.respond('How many users does it have?').reply;
    expect(it.text).toBe('Who do you mean: LinkedIn, WeChat or Tianji.com?');
    expect(it.suggestions).toContain('How many users does Tianji.com have?');
  });

  it('takes "he" as Derek Shen, the only man quoted, even with no context', () => {
    expect(engine.respond('What did he say?').reply.intent).toBe('quotes.derek-shen');
  });

  it('says so when a follow-up asks what the article does not say about the new entity', () => {
    const [, second] = converse(['When was Tianji founded?', 'What about LinkedIn?']);
    expect(second!.fallback).toBe(true);
    expect(second!.text).toContain('LinkedIn');
  });

  it('answers a bare name, or "what is X", with who or what it is', () => {
    expect(engine.respond('Tianji?').reply.intent).toBe('tianji.about');
    expect(engine.respond('Jin Xiaolei').reply.intent).toBe('people.jin-xiaolei');
    expect(engine.respond('linkedn').reply.intent).toBe('linkedin.about');
    expect(engine.respond('What is WeChat exactly?').reply.intent).toBe('wechat.about');
  });
});

describe('respond(): purity and state', () => {
  it('is deterministic and does not modify the state it is given', () => {
    const state = Object.freeze({ ...emptyState(), entities: Object.freeze([]) as never });
    const a = engine.respond('Who is He Miao?', state);
    const b = engine.respond('Who is He Miao?', state);
    expect(a).toEqual(b);
    expect(state).toEqual(emptyState());
    expect(a.state.turns).toBe(1);
    expect(a.state.entities[0]).toEqual({ id: 'he-miao', kind: 'person' });
  });

  it('remembers the kind of answer asked, in a state that survives storage and is checked when read back', () => {
    const { state } = engine.respond('Where is LinkedIn Corp based?');
    expect(state.asked).toBe('where');
    const stored = JSON.parse(JSON.stringify(state));
    expect(isConversationState(stored)).toBe(true);
    expect(engine.respond('And Tianji?', stored).reply.text).toContain('Beijing-based');
    expect(isConversationState({ ...stored, asked: 42 })).toBe(false);
    expect(isConversationState({ ...stored, asked: 'x'.repeat(100) })).toBe(false);
  });

  it('keeps the state small however long the conversation', () => {
    const questions = fixture<{ q: string }[]>('dev.json').map((x) => x.q);
    let state = emptyState();
    for (const q of questions) state = engine.respond(q, state).state;
    expect(state.turns).toBe(questions.length);
    expect(state.entities.length).toBeLessThanOrEqual(6);
  });

  it('states no number and no quote that the article does not have, for any question in the fixtures', () => {
    const questions = [...fixture<{ q: string }[]>('dev.json'), ...fixture<{ q: string }[]>('heldout.json')];
    const articleNumbers = new Set((ARTICLE_TEXT.match(/\d[\d,]*/g) ?? []).map((n) => n.replace(/,/g, '')));
    for (const { q } of questions) {
      const { reply } = engine.respond(q);
      const said = reply.text.replace(/paragraph \d+/g, '');
      for (const n of said.match(/\d[\d,]*/g) ?? []) expect(articleNumbers).toContain(n.replace(/,/g, ''));
      for (const quote of reply.quotes) expect(ARTICLE_TEXT).toContain(quote.text);
      for (const source of reply.sources) expect(ARTICLE_FLAT).toContain(source.text);
    }
  });
});
