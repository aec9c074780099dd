import fs from 'node:fs';
import path from 'node:path';
import { type Activity, ActivityTypes, TestAdapter } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { ArticleActivityHandler, conversationKey } from '../../../src/channels/bot-framework/handler.js';
import { replyActivity, toMarkdown } from '../../../src/channels/bot-framework/reply.js';
import { Turns } from '../../../src/conversation/turns.js';
import type { Reply } from '../../../src/core/types.js';
import { type ConversationStore, LowConversationStore } from '../../../src/store/conversations/store.js';
import { LogCapture, makeReply, readStateFile, useChannelEnv } from '../../support/channels.js';

const env = useChannelEnv('bot-framework-handler-test-');

/** The handler answering through a turn path over `conversations` (the file's store by default). */
function handlerFor(conversations: ConversationStore = env.store): ArticleActivityHandler {
  return new ArticleActivityHandler(new Turns({ engine: env.bot.engine, conversations }));
}

/** A TestAdapter running the handler over `conversations`, in a conversation of its own. */
function adapterFor(
  conversations: ConversationStore = env.store,
  conversation = `convo-${Math.random().toString(36).slice(2)}`,
): TestAdapter {
  const handler = handlerFor(conversations);
  const template = { conversation: { id: conversation } as Activity['conversation'] };
  return new TestAdapter(async (context) => handler.run(context), template);
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

describe('ArticleActivityHandler in a TestAdapter conversation', () => {
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
        expectReply(['Hello!', 'LinkedIn China is set to strengthen its cooperation with WeChat', 'user numbers'])(
          activity,
        );
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

  it('answers a question in Chinese in Chinese, with its locale and a Chinese attribution under the quotation', async () => {
    await adapterFor()
      .send('He Miao说了什么？')
      .assertReply((activity) => {
        expect(activity.locale).toBe('zh-CN');
        expect(activity.text).toContain('> People in the West are more open');
        expect(activity.text).toContain('> — He Miao，天际网市场总监（第16段）');
        expect(activity.text).toContain('【中文译文，仅供参考，以上英文为原文】');
      })
      .send('How many members does LinkedIn have?')
      .assertReply((activity) => expect(activity.locale).toBe('en-US'))
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
        expectReply(['The article does not say when.', 'LinkedIn Corp is the world'])(activity);
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

  it('keeps each conversation’s state in the conversation store under its own key, written before the reply', async () => {
    const conversation = 'state-check';
    const handler = handlerFor();
    const seenAtSend: unknown[] = [];
    const adapter = new TestAdapter(
      async (context) => {
        context.onSendActivities(async (_ctx, _activities, next) => {
          // What the file holds at the moment the reply goes out.
          const onDisk = readStateFile(env.stateFile);
          seenAtSend.push(onDisk.conversations[conversationKey(context.activity)]?.state.turns);
          return next();
        });
        await handler.run(context);
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
    const stored = readStateFile(env.stateFile).conversations['bot-framework:test:state-check'];
    expect(stored?.state).toMatchObject({
      turns: 2,
      entities: expect.arrayContaining([{ id: 'he-miao', kind: 'person' }]),
    });
  });

  it('loses no context when messages of one conversation arrive at once, and replies in order', async () => {
    const adapter = adapterFor(env.store, 'concurrent');
    const questions = Array.from({ length: 8 }, (_, i) =>
      i % 2 === 0 ? 'How many users does WeChat have?' : 'And LinkedIn?',
    );
    await Promise.all(questions.map((text) => adapter.processActivity({ type: ActivityTypes.Message, text })));
    expect(readStateFile(env.stateFile).conversations['bot-framework:test:concurrent']?.state.turns).toBe(8);
    // One after another: every "And LinkedIn?" followed a WeChat question, so it was answered about LinkedIn.
    const replies = adapter.activeQueue.map((a) => a.text);
    expect(replies).toHaveLength(8);
    for (const [i, text] of replies.entries()) expect(text).toContain(i % 2 === 0 ? '500 million' : '300 million');
  });

  it('starts afresh when the stored state is not valid conversation state', async () => {
    const file = path.join(env.dir, 'corrupt.json');
    const corrupt = { state: { lastIntent: 42, entities: 'nope', turns: 'x' }, updatedAt: new Date().toISOString() };
    fs.writeFileSync(file, JSON.stringify({ seq: 0, conversations: { 'bot-framework:test:corrupt': corrupt } }));
    const logs = new LogCapture();
    const store = await LowConversationStore.open(file, { logger: logs.logger });
    expect(logs.entries('conversation store: dropped what could not be read')[0]).toMatchObject({
      invalidInSnapshot: 1,
    });
    try {
      await adapterFor(store, 'corrupt')
        .send('How many members does LinkedIn have?')
        .assertReply(expectReply(['300 million']))
        .startTest();
    } finally {
      await store.close();
    }
    expect(readStateFile(file).conversations['bot-framework:test:corrupt']?.state.turns).toBe(1);
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
