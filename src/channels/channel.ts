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
 * Longest question answered, in characters after trimming. The JSON webhook and Bot Framework refuse a
 * longer `text` with a 400; platform channels, which cannot show an HTTP error to the user, get
 * {@link answerInConversation}'s polite reply instead.
 */
export const MAX_QUESTION_LENGTH = 2000;

/** What a channel says when a question could not be answered (the conversation store failed, say). */
export const APOLOGY = 'Sorry, something went wrong on my side. Please ask again in a moment.';

/**
 * Answers `text` in the context of `conversationId` (or without context when it is undefined). The new
 * context is stored before the promise resolves, so a channel sends the reply only after it is safe.
 * A question over {@link MAX_QUESTION_LENGTH} characters gets a reply asking for a shorter one, with the
 * welcome's suggestions, and is not a turn: the conversation is left as it was.
 */
export function answerInConversation(
  deps: Pick<ChannelDeps, 'engine' | 'conversations'>,
  conversationId: string | undefined,
  text: string,
): Promise<Reply> {
  if (text.trim().length > MAX_QUESTION_LENGTH) return Promise.resolve(tooLongReply(deps.engine));
  if (conversationId === undefined) return Promise.resolve(deps.engine.respond(text).reply);
  return deps.conversations.transact(conversationId, (state) => {
    const turn = deps.engine.respond(text, state);
    return { state: turn.state, result: turn.reply };
  });
}

function tooLongReply(engine: Engine): Reply {
  return {
    text: `Sorry, that question is too long for me (more than ${MAX_QUESTION_LENGTH} characters); please ask it in fewer words.`,
    intent: null,
    confidence: 0,
    fallback: true,
    sources: [],
    quotes: [],
    // Short questions the bot answers show what "fewer words" means.
    suggestions: engine.welcome().suggestions,
  };
}

/**
 * The suggestions a text-only channel still has to show: those `reply.text` does not already contain
 * (a fallback's text names its suggestions itself), in their order.
 */
export function suggestionsNotInText(reply: Reply): string[] {
  return reply.suggestions.filter((s) => !reply.text.includes(s));
}

/**
 * The reply as one plain text for channels that show only text and have no buttons: the complete
 * answer, then the suggested questions it does not already name on a line of their own.
 */
export function plainTextWithSuggestions(reply: Reply): string {
  const suggestions = suggestionsNotInText(reply);
  if (suggestions.length === 0) return reply.text;
  return `${reply.text}\n\nYou could ask: ${suggestions.join(' | ')}`;
}

/**
 * `text` unchanged when it has at most `max` UTF-16 units, else cut to exactly `max` ending in "…" (one
 * less when the cut would split a surrogate pair, so an emoji is dropped whole rather than broken).
 */
export function fitText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
