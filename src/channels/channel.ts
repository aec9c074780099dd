import type { Engine } from '../core/respond.js';
import type { Reply } from '../core/types.js';
import type { Logger } from '../log.js';
import type { ConversationStore } from '../store/conversations.js';

/** What every channel adapter is built from. */
export interface ChannelDeps {
  engine: Engine;
  conversations: ConversationStore;
  logger: Logger;
}

/**
 * Answers `text` in the context of `conversationId` (or without context when it is undefined). The new
 * context is stored before the promise resolves, so a channel sends the reply only after it is safe.
 */
export function answerInConversation(
  deps: Pick<ChannelDeps, 'engine' | 'conversations'>,
  conversationId: string | undefined,
  text: string,
): Promise<Reply> {
  if (conversationId === undefined) return Promise.resolve(deps.engine.respond(text).reply);
  return deps.conversations.transact(conversationId, (state) => {
    const turn = deps.engine.respond(text, state);
    return { state: turn.state, result: turn.reply };
  });
}

/**
 * The reply as one plain text for channels that show only text and have no buttons: the complete
 * answer, then the suggested questions on a line of their own.
 */
export function plainTextWithSuggestions(reply: Reply): string {
  if (reply.suggestions.length === 0) return reply.text;
  return `${reply.text}\n\nYou could ask: ${reply.suggestions.join(' | ')}`;
}
