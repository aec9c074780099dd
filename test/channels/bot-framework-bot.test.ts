import { type Activity, ActivityTypes, type Storage, type StoreItems, TestAdapter } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { ArticleBot, replyActivity, stateKey, toMarkdown } from '../../src/channels/bot-framework-bot.js';
import type { Reply } from '../../src/core/types.js';
import { makeReply, readStateFile, useChannelEnv } from '../channel-helpers.js';

const env = useChannelEnv('bot-framework-bot-test-');

/** A TestAdapter running an ArticleBot over `storage` (the file's store by default), in a conversation of its own. */
function adapterFor(
  storage: Storage = env.store,
  conversation = `convo-${Math.random().toString(36).slice(2)}`,
): TestAdapter {
  const articleBot = new ArticleBot({ engine: env.bot.engine, storage });
  const template = { conversation: { id: conversation } as Activity['conversation'] };
  return new TestAdapter(async (context) => articleBot.run(context), template);
}

function buttons(activity: Partial<Activity>): string[] {
  return (activity.suggestedActions?.actions ?? []).map((a) => {
    expect(a.type).toBe('imBack');
    expect(a.value).toBe(a.title);
    return a.title;
  });
}

/** Asserts one reply: Markdown text containing every expected part, and (optionally) at least one button. */
function expectReply(expected: string[], withButtons = true) {
  return (activity: Partial<Activity>) => {
    expect(activity.type).toBe(ActivityTypes.Message);
    expect(activity.textFormat).toBe('markdown');
    for (const part of expected) expect(activity.text).toContain(part);
    if (withButtons) expect(buttons(activity).length).toBeGreaterThan(0);
  };
}

describe('ArticleBot in a TestAdapter conversation', () => {
  it('greets a user who joins, once, saying what it can answer, with suggested questions as buttons', async () => {
    const adapter = adapterFor();
    const welcome = env.bot.engine.welcome();
    await adapter
      .send({
        type: ActivityTypes.ConversationUpdate,
        membersAdded: [
          { id: 'user', name: 'User1' },
          { id: 'bot', name: 'Bot' },
        ],
      })
      .assertReply((activity) => {
        expectReply(['Hello!', 'LinkedIn China deepening its cooperation with WeChat', 'user numbers'])(activity);
        expect(buttons(activity)).toEqual(welcome.suggestions);
      })
      .startTest();
    expect(adapter.activeQueue).toHaveLength(0);
  });

  it('says nothing when only the bot itself is added, and ignores typing, events and reactions', async () => {
    const adapter = adapterFor();
    await adapter
      .send({ type: ActivityTypes.ConversationUpdate, membersAdded: [{ id: 'bot', name: 'Bot' }] })
      .startTest();
    await adapter.send({ type: ActivityTypes.Typing }).startTest();
    await adapter.send({ type: ActivityTypes.Event, name: 'webchat/join' }).startTest();
    await adapter.send({ type: ActivityTypes.MessageReaction, reactionsAdded: [{ type: 'like' }] }).startTest();
    await adapter.send({ type: ActivityTypes.Message, text: '   ' }).startTest();
    expect(adapter.activeQueue).toHaveLength(0);
  });

  it('answers a fact from the article with its paragraph', async () => {
    await adapterFor()
      .send('How many members does LinkedIn have?')
      .assertReply(expectReply(['more than 300 million members', '(paragraph 2)']))
      .startTest();
  });

  it('shows a quotation as a block quote with the speaker and role under it', async () => {
    await adapterFor()
      .send('What did Derek Shen say?')
      .assertReply((activity) => {
        expectReply(['> People have two identities.', '> — Derek Shen, president of LinkedIn China (paragraph 5)'])(
          activity,
        );
        // The attribution replaces "Derek Shen, ..., said:", so the name is not said twice.
        expect(activity.text!.match(/Derek Shen, president of LinkedIn China/g)).toHaveLength(1);
      })
      .startTest();
  });

  it('says when the article does not answer, suggesting questions it can answer', async () => {
    await adapterFor()
      .send('When was LinkedIn founded?')
      .assertReply((activity) => {
        expectReply(['Sorry, the article does not say that about LinkedIn'])(activity);
        expect(buttons(activity).length).toBeGreaterThanOrEqual(2);
      })
      .startTest();
  });

  it('answers follow-up questions in the conversation’s context, as the webhook does', async () => {
    await adapterFor()
      .send('Who is He Miao?')
      .assertReply(expectReply(['He Miao', 'Tianji']))
      .send('Which company does she work for?')
      .assertReply(expectReply(['Tianji']))
      .send('How many users does WeChat have?')
      .assertReply(expectReply(['500 million']))
      .send('And LinkedIn?')
      .assertReply(expectReply(['300 million']))
      .startTest();
  });

  it('answers "And LinkedIn?" without context as the core does: not about the previous question', async () => {
    const alone = env.bot.engine.respond('And LinkedIn?').reply;
    await adapterFor()
      .send('And LinkedIn?')
      .assertReply((activity) => expect(activity.text).toBe(toMarkdown(alone)))
      .startTest();
  });

  it('answers a message that @mentions the bot (Teams) without the mention text', async () => {
    await adapterFor()
      .send({
        type: ActivityTypes.Message,
        text: '<at>Article Bot</at> How many users does WeChat have?',
        entities: [{ type: 'mention', text: '<at>Article Bot</at>', mentioned: { id: 'bot', name: 'Article Bot' } }],
      })
      .assertReply(expectReply(['500 million']))
      .startTest();
  });

  it('keeps each conversation’s state in the storage under its own key, written before the reply', async () => {
    const conversation = 'state-check';
    const articleBot = new ArticleBot({ engine: env.bot.engine, storage: env.store });
    const seenAtSend: unknown[] = [];
    const adapter = new TestAdapter(
      async (context) => {
        context.onSendActivities(async (_ctx, _activities, next) => {
          // What the file holds at the moment the reply goes out.
          const onDisk = readStateFile(env.stateFile);
          seenAtSend.push(onDisk.items[stateKey(context.activity)]?.state?.turns);
          return next();
        });
        await articleBot.run(context);
      },
      { conversation: { id: conversation } as Activity['conversation'] },
    );
    await adapter
      .send('Who is He Miao?')
      .assertReply(expectReply(['Tianji']))
      .send('Where does she work?')
      .assertReply(expectReply(['Tianji']))
      .startTest();
    expect(seenAtSend).toEqual([1, 2]);
    const key = 'test/conversations/state-check/article';
    const item = (await env.store.read([key]))[key];
    expect(item).toMatchObject({
      state: { turns: 2, entities: expect.arrayContaining([{ id: 'he-miao', kind: 'person' }]) },
    });
    expect(typeof item!.eTag).toBe('string');
  });

  it('loses no context when messages of one conversation arrive at once, and replies in order', async () => {
    const adapter = adapterFor(env.store, 'concurrent');
    const questions = Array.from({ length: 8 }, (_, i) =>
      i % 2 === 0 ? 'How many users does WeChat have?' : 'And LinkedIn?',
    );
    await Promise.all(questions.map((text) => adapter.processActivity({ type: ActivityTypes.Message, text })));
    const key = 'test/conversations/concurrent/article';
    expect((await env.store.read([key]))[key]!.state.turns).toBe(8);
    // One after another: every "And LinkedIn?" followed a WeChat question, so it was answered about LinkedIn.
    const replies = adapter.activeQueue.map((a) => a.text);
    expect(replies).toHaveLength(8);
    for (const [i, text] of replies.entries()) expect(text).toContain(i % 2 === 0 ? '500 million' : '300 million');
  });

  it('re-reads and re-answers when another writer changed the state between its read and its write', async () => {
    const key = 'test/conversations/raced/article';
    let interfere = false;
    // Between the bot's read and its write, someone else records that He Miao was mentioned.
    const racing: Storage = {
      read: (keys) => env.store.read(keys),
      delete: (keys) => env.store.delete(keys),
      write: async (changes: StoreItems) => {
        if (interfere) {
          interfere = false;
          const current = (await env.store.read([key]))[key]!;
          const state = { lastIntent: null, entities: [{ id: 'he-miao', kind: 'person' }], turns: 5 };
          await env.store.write({ [key]: { ...current, state } });
        }
        return env.store.write(changes);
      },
    };
    const adapter = adapterFor(racing, 'raced');
    await adapter
      .send('How many users does WeChat have?')
      .assertReply(expectReply(['500 million']))
      .startTest();
    interfere = true;
    await adapter
      .send('Which company does she work for?')
      // Answered from the state the other writer left ("she" is He Miao), not from the state it first read.
      .assertReply(expectReply(['Tianji']))
      .startTest();
    expect(interfere).toBe(false);
    expect((await env.store.read([key]))[key]!.state.turns).toBe(6);
  });

  it('starts afresh when the stored state is not valid conversation state', async () => {
    const key = 'test/conversations/corrupt/article';
    await env.store.write({ [key]: { state: { lastIntent: 42, entities: 'nope', turns: 'x' } } });
    await adapterFor(env.store, 'corrupt')
      .send('How many members does LinkedIn have?')
      .assertReply(expectReply(['300 million']))
      .startTest();
    expect((await env.store.read([key]))[key]!.state.turns).toBe(1);
  });
});

describe('replyActivity and toMarkdown', () => {
  const quoted = (): Reply => env.bot.engine.respond('What did He Miao say?').reply;

  it('turns every quotation of a reply into a block quote with speaker and role, keeping the other lines', async () => {
    const questions = [
      'What did He Miao say?',
      'What did Jin Xiaolei say?',
      'What did Derek Shen say?',
      'Who does LinkedIn compete with?',
    ];
    for (const question of questions) {
      const reply = env.bot.engine.respond(question).reply;
      const markdown = toMarkdown(reply);
      for (const q of reply.quotes) {
        const lines = q.text
          .split('\n')
          .map((l) => `> ${l}`)
          .join('\n');
        expect(markdown).toContain(lines);
      }
      const quoteLines = reply.text.split('\n').filter((l) => reply.quotes.some((q) => l.includes(`"${q.text}"`)));
      expect(quoteLines).toHaveLength(reply.quotes.length);
      for (const line of reply.text.split('\n').filter((l) => !quoteLines.includes(l) && l.trim() !== '')) {
        expect(markdown).toContain(line);
      }
    }
  });

  it('attributes a second quotation of the same speaker with name and role too', () => {
    const reply = quoted();
    expect(reply.quotes.length).toBeGreaterThanOrEqual(2);
    const markdown = toMarkdown(reply);
    for (const q of reply.quotes) {
      expect(markdown).toContain(`> — ${q.speaker}, ${q.role} (paragraph ${q.paragraph})`);
    }
    expect(markdown).not.toContain('also said');
    // Statements are paragraphs: a single line break would run them together in Markdown.
    expect(markdown.split('\n\n')).toHaveLength(reply.text.split('\n').length);
  });

  it('escapes Markdown in article text so it reads literally', () => {
    const reply = makeReply({
      text: 'Revenue was *big* at [Acme] <b>Corp</b> # 1_2 (paragraph 3).\n1. a list?\n- a bullet?',
    });
    expect(toMarkdown(reply)).toBe(
      'Revenue was \\*big\\* at \\[Acme\\] \\<b\\>Corp\\</b\\> \\# 1\\_2 (paragraph 3).\n\n1\\. a list?\n\n\\- a bullet?',
    );
  });

  it('makes suggestions imBack buttons and leaves them out when there are none', () => {
    const reply = quoted();
    const activity = replyActivity(reply);
    expect(activity.suggestedActions?.actions).toEqual(
      reply.suggestions.map((s) => ({ type: 'imBack', title: s, value: s })),
    );
    expect(replyActivity({ ...reply, suggestions: [] }).suggestedActions).toBeUndefined();
  });
});
