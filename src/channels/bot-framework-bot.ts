import {
  ActionTypes,
  type Activity,
  ActivityHandler,
  type InvokeResponse,
  MessageFactory,
  type Storage,
  type StoreItem,
  TextFormatTypes,
  type TurnContext,
} from 'botbuilder';
import { slowDownReply } from '../conversation/turns.js';
import type { Engine } from '../core/respond.js';
import { emptyState, type Reply, type ReplyQuote } from '../core/types.js';
import type { RateLimiter } from '../http/rate-limit.js';
import { KeyedQueue } from '../store/conversations/keyed-queue.js';
import { ETagConflictError, isConversationState } from '../store/conversations/store.js';

/** What {@link ArticleBot} is built from. */
export interface ArticleBotDeps {
  engine: Engine;
  /** Where each conversation's state is kept (botbuilder's Storage: the lowdb store in production). */
  storage: Storage;
  /** Questions per conversation; over it the user is asked to wait, and the turn is not taken. */
  conversationLimiter?: RateLimiter;
}

/** A reply that could not be delivered to the conversation's `serviceUrl`; the cause says why. */
export class ReplyNotDeliveredError extends Error {
  constructor(
    readonly serviceUrl: string,
    options: { cause: unknown },
  ) {
    super(`The reply could not be delivered to ${serviceUrl}`, options);
    this.name = 'ReplyNotDeliveredError';
  }
}

/** The state item of one conversation in the {@link Storage}. */
interface StateItem extends StoreItem {
  state?: unknown;
}

/** A conflicting write means another writer got in between; reading and answering again is safe: nothing was sent yet. */
const MAX_STATE_ATTEMPTS = 3;

/**
 * The Bot Framework bot: greets users added to a conversation and answers their messages from the article.
 * Works with any botbuilder adapter (CloudAdapter in the server, TestAdapter in tests).
 *
 * - `conversationUpdate` adding someone other than the bot: one greeting (`engine.welcome()`) saying what
 *   it can answer, with its suggestions as buttons.
 * - `message` with text: the answer in the conversation's context. The new context is written to the
 *   storage (honouring eTags) before the reply is sent; turns of one conversation run one after another,
 *   so concurrent messages never lose each other's context and replies keep their order.
 * - Everything else (typing, reactions, events, ...) is ignored: nothing is sent.
 *
 * A reply that cannot be sent rejects the turn with {@link ReplyNotDeliveredError}.
 */
export class ArticleBot extends ActivityHandler {
  private readonly conversations = new KeyedQueue();

  constructor(private readonly deps: ArticleBotDeps) {
    super();
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      const joined = (context.activity.membersAdded ?? []).filter((member) => member.id !== botId);
      // One greeting per update, however many people joined with it.
      if (joined.length > 0) await deliver(context, replyActivity(this.deps.engine.welcome()));
      await next();
    });
    this.onMessage(async (context, next) => {
      const question = questionText(context.activity);
      if (question !== '') {
        const reply = await this.answer(context.activity, question);
        await deliver(context, replyActivity(reply));
      }
      await next();
    });
  }

  /**
   * The bot handles no invoke (card actions, messaging extensions, sign-in): it answers each with a JSON 400
   * naming that, where ActivityHandler would answer a bare 501 with no body.
   */
  protected override async onInvokeActivity(_context: TurnContext): Promise<InvokeResponse> {
    return {
      status: 400,
      body: {
        error: { code: 'unsupported_invoke', message: 'This bot answers messages; it handles no invoke activities.' },
      },
    };
  }

  override run(context: TurnContext): Promise<void> {
    return this.conversations.run(stateKey(context.activity), () => super.run(context));
  }

  private async answer(activity: Activity, question: string): Promise<Reply> {
    const key = stateKey(activity);
    const wait = this.deps.conversationLimiter?.take(key) ?? 0;
    if (wait > 0) return slowDownReply(wait);
    for (let attempt = 1; ; attempt++) {
      const item: StateItem | undefined = (await this.deps.storage.read([key]))[key];
      const state = isConversationState(item?.state) ? item.state : emptyState();
      const turn = this.deps.engine.respond(question, state);
      try {
        await this.deps.storage.write({ [key]: { state: turn.state, eTag: item?.eTag ?? '*' } });
        return turn.reply;
      } catch (error) {
        if (!(error instanceof ETagConflictError) || attempt >= MAX_STATE_ATTEMPTS) throw error;
      }
    }
  }
}

/** Storage key of a conversation's state, in the layout of botbuilder's ConversationState. */
export function stateKey(activity: Partial<Activity>): string {
  return `${activity.channelId}/conversations/${activity.conversation?.id}/article`;
}

/** The message text addressed to the bot, without the bot's @mention that Teams puts into channel messages. */
function questionText(activity: Activity): string {
  let text = typeof activity.text === 'string' ? activity.text : '';
  for (const entity of Array.isArray(activity.entities) ? activity.entities : []) {
    // Entities come from the channel as they are; anything not shaped like a mention is skipped.
    const mention = (entity ?? {}) as { type?: unknown; text?: unknown; mentioned?: { id?: unknown } | null };
    if (
      mention.type === 'mention' &&
      mention.mentioned?.id === activity.recipient?.id &&
      typeof mention.text === 'string'
    ) {
      text = text.replace(mention.text, '');
    }
  }
  return text.trim();
}

async function deliver(context: TurnContext, activity: Partial<Activity>): Promise<void> {
  try {
    await context.sendActivity(activity);
  } catch (cause) {
    throw new ReplyNotDeliveredError(context.activity.serviceUrl, { cause });
  }
}

/**
 * The reply as a Bot Framework message: Markdown text in which each quotation is a block quote followed by
 * "— speaker, role (paragraph n)", and the suggested questions as buttons that send the question (imBack).
 * Every fact and quote of `reply.text` is in the message text, so a channel that shows only text loses
 * nothing.
 */
export function replyActivity(reply: Reply): Partial<Activity> {
  const text = toMarkdown(reply);
  const activity =
    reply.suggestions.length > 0
      ? MessageFactory.suggestedActions(
          reply.suggestions.map((s) => ({ type: ActionTypes.ImBack, title: s, value: s })),
          text,
        )
      : MessageFactory.text(text);
  activity.textFormat = TextFormatTypes.Markdown;
  return activity;
}

/**
 * `reply.text` as Markdown. The answerer writes each statement on a line of its own, a quotation as
 * `Name, role, said: "exact words" (paragraph n).`; such a line becomes a block quote with the speaker
 * under it. Lines become paragraphs, because a single line break in Markdown is only a space.
 */
export function toMarkdown(reply: Reply): string {
  return reply.text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const quote = reply.quotes.find((q) => line.includes(`"${q.text}"`));
      return quote ? blockQuote(quote) : escapeMarkdown(line);
    })
    .join('\n\n');
}

function blockQuote(quote: ReplyQuote): string {
  const words = escapeMarkdown(quote.text)
    .split('\n')
    .map((l) => `> ${l}`);
  const attribution = `> — ${escapeMarkdown(`${quote.speaker}, ${quote.role}`)} (paragraph ${quote.paragraph})`;
  return [...words, '>', attribution].join('\n');
}

/** Keeps article text literal: characters Markdown would read as emphasis, links, HTML or headings are escaped. */
function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]<>#|~]/g, '\\$&')
    .replace(/^(\s*)([-+])(?=\s)/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])(?=\s)/, '$1\\$2');
}
