import type { Engine } from '../core/respond.js';
import type { Reply } from '../core/types.js';
import { RateLimitedError, type RateLimiter } from '../http/rate-limit.js';
import type { ConversationStore } from '../store/conversations/store.js';

/** What {@link answerInConversation} does with a conversation over its rate limit. */
export type WhenLimited = 'reply' | 'throw';

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
 *
 * Neither of these is a turn (the conversation is left as it was):
 * - a question over {@link MAX_QUESTION_LENGTH} characters gets a reply asking for a shorter one, with the
 *   welcome's suggestions;
 * - a conversation over `deps.conversationLimiter` gets a reply asking to wait, or with `whenLimited:
 *   'throw'` a {@link RateLimitedError} (a 429 for channels that can show one).
 */
export function answerInConversation(
  deps: { engine: Engine; conversations: ConversationStore; conversationLimiter?: RateLimiter },
  conversationId: string | undefined,
  text: string,
  whenLimited: WhenLimited = 'reply',
): Promise<Reply> {
  if (text.trim().length > MAX_QUESTION_LENGTH) return Promise.resolve(tooLongReply(deps.engine));
  if (conversationId === undefined) return Promise.resolve(deps.engine.respond(text).reply);
  const wait = deps.conversationLimiter?.take(conversationId) ?? 0;
  if (wait > 0) {
    if (whenLimited === 'throw') return Promise.reject(new RateLimitedError(wait, 'conversation'));
    return Promise.resolve(slowDownReply(wait));
  }
  return deps.conversations.transact(conversationId, (state) => {
    const turn = deps.engine.respond(text, state);
    return { state: turn.state, result: turn.reply };
  });
}

/** The reply to a conversation asking faster than its rate limit allows. */
export function slowDownReply(waitSeconds: number): Reply {
  return {
    text: `You are asking faster than I can keep up with; please wait ${waitSeconds} s and ask again.`,
    intent: null,
    confidence: 0,
    fallback: true,
    sources: [],
    quotes: [],
    suggestions: [],
  };
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
