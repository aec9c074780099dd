import { type Activity, ActivityHandler, type InvokeResponse, type TurnContext } from 'botbuilder';
import type { Turns } from '../../conversation/turns.js';
import { replyActivity } from './reply.js';

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

/**
 * The Bot Framework side of a turn: greets users added to a conversation and answers their messages through
 * the turn path. Works with any botbuilder adapter (CloudAdapter in the server, TestAdapter in tests).
 *
 * - `conversationUpdate` adding someone other than the bot: one greeting (the welcome) saying what it can
 *   answer, with its suggestions as buttons.
 * - `message` with text: the answer in the conversation's context ({@link conversationKey}), stored before the
 *   reply is sent. Activities of one conversation are handled one after another, so concurrent messages never
 *   lose each other's context and replies keep their order.
 * - Everything else (typing, reactions, events, ...) is ignored: nothing is sent.
 *
 * A reply that cannot be sent rejects the turn with {@link ReplyNotDeliveredError}.
 */
export class ArticleActivityHandler extends ActivityHandler {
  constructor(private readonly turns: Turns) {
    super();
    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      const joined = (context.activity.membersAdded ?? []).filter((member) => member.id !== botId);
      // One greeting per update, however many people joined with it.
      if (joined.length > 0) await deliver(context, replyActivity(this.turns.welcome()));
      await next();
    });
    this.onMessage(async (context, next) => {
      const question = questionText(context.activity);
      if (question !== '') {
        const reply = await this.turns.answer(conversationKey(context.activity), question);
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
    return this.turns.inOrder(conversationKey(context.activity), () => super.run(context));
  }
}

/**
 * The conversation store's key of a Bot Framework conversation: `bot-framework:<channelId>:<conversation id>`.
 * (Before the Bot Framework channel answered through the shared turn path, its state was kept apart under
 * `<channelId>/conversations/<id>/article`; those conversations started afresh once.)
 */
export function conversationKey(activity: Partial<Activity>): string {
  return `bot-framework:${activity.channelId}:${activity.conversation?.id}`;
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
