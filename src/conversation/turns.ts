import type { Lang } from '../core/language.js';
import type { Engine } from '../core/respond.js';
import type { Reply } from '../core/types.js';
import type { Metrics } from '../http/metrics.js';
import { type Limiter, RateLimitedError } from '../http/rate-limit.js';
import { KeyedQueue } from '../store/conversations/keyed-queue.js';
import type { ConversationStore } from '../store/conversations/store.js';
import type { UnansweredRecorder } from '../store/unanswered.js';

/** What {@link Turns.answer} does with a conversation over its rate limit. */
export type WhenLimited = 'reply' | 'throw';

/**
 * Longest question answered, in characters after trimming. The JSON webhook and Bot Framework refuse a
 * longer `text` with a 400; platform channels, which cannot show an HTTP error to the user, get
 * {@link Turns.answer}'s polite reply instead.
 */
export const MAX_QUESTION_LENGTH = 2000;

/** An answer given with less confidence than this is kept for review as unsure. */
export const UNSURE_BELOW = 0.5;

/** What a channel says when a question could not be answered (the conversation store failed, say). */
export const APOLOGY = 'Sorry, something went wrong on my side. Please ask again in a moment.';

/** What the turn path is built from. */
export interface TurnsDeps {
  engine: Engine;
  conversations: ConversationStore;
  /** Questions per conversation; none when omitted. */
  limiter?: Limiter;
  metrics?: Metrics;
  /** Where fallbacks and unsure answers are counted for review (RECORD_UNANSWERED); none when omitted. */
  unanswered?: UnansweredRecorder;
}

/**
 * The one turn path every channel answers through: the per-conversation rate limit, the conversation's
 * order, and read, respond and write, the new state stored before the reply is handed back.
 */
export class Turns {
  private readonly order = new KeyedQueue();

  private engine: Engine;

  constructor(private readonly deps: TurnsDeps) {
    this.engine = deps.engine;
  }

  /**
   * Answers every turn that starts from now on with `engine` (a reloaded article); turns already started finish
   * on the engine they started with.
   */
  replaceEngine(engine: Engine): void {
    this.engine = engine;
  }

  /** The greeting for someone new: what the bot can answer, with suggested questions. Not a turn. */
  welcome(lang: Lang = 'en'): Reply {
    return this.engine.welcome(lang);
  }

  /**
   * Answers `text` in the context of `conversationId` (or without context when it is undefined). The new
   * context is stored before the promise resolves, so a channel sends the reply only after it is safe.
   * Turns of one conversation run one after another (the store's transaction), so none loses another's context.
   *
   * Neither of these is a turn (the conversation is left as it was):
   * - a question over {@link MAX_QUESTION_LENGTH} characters gets a reply asking for a shorter one, with the
   *   welcome's suggestions;
   * - a conversation over the rate limit gets a reply asking to wait, or with `whenLimited: 'throw'` a
   *   {@link RateLimitedError} (a 429 for channels that can show one).
   */
  answer(conversationId: string | undefined, text: string, whenLimited: WhenLimited = 'reply'): Promise<Reply> {
    // Taken once: a reload during this turn does not change the engine it is answered with.
    const { engine } = this;
    const { limiter } = this.deps;
    if (text.trim().length > MAX_QUESTION_LENGTH)
      return Promise.resolve(engine.notice(text, 'tooLong', { max: String(MAX_QUESTION_LENGTH) }));
    if (conversationId === undefined) {
      const { reply } = engine.respond(text);
      this.answered(undefined, text, reply);
      return Promise.resolve(reply);
    }
    const wait = limiter?.take(conversationId) ?? 0;
    if (typeof wait === 'number') return this.turn(engine, conversationId, text, whenLimited, wait);
    return wait.then((w) => this.turn(engine, conversationId, text, whenLimited, w));
  }

  /** A turn of `conversationId`, given the rate limit's wait (0: go ahead). */
  private turn(
    engine: Engine,
    conversationId: string,
    text: string,
    whenLimited: WhenLimited,
    wait: number,
  ): Promise<Reply> {
    const { conversations, metrics } = this.deps;
    if (wait > 0) {
      metrics?.rateLimited('conversation');
      if (whenLimited === 'throw') return Promise.reject(new RateLimitedError(wait, 'conversation'));
      return Promise.resolve(engine.notice(text, 'slowDown', { seconds: String(wait) }));
    }
    const started = performance.now();
    const stored = conversations.transact(conversationId, (state) => {
      const turn = engine.respond(text, state);
      return { state: turn.state, result: turn.reply };
    });
    return stored.then((reply) => {
      metrics?.storeWrite((performance.now() - started) / 1000);
      this.answered(conversationId, text, reply);
      return reply;
    });
  }

  /** Counts an answer, and keeps a fallback or an unsure answer for review (the question only, no id). */
  private answered(conversationId: string | undefined, text: string, reply: Reply): void {
    const { metrics, unanswered } = this.deps;
    const { engine } = this;
    metrics?.answered(conversationId, reply);
    if (!unanswered || reply.intent?.startsWith('smalltalk.')) return;
    const outcome = reply.fallback ? 'fallback' : reply.confidence < UNSURE_BELOW ? 'unsure' : null;
    if (outcome) unanswered.record(text, outcome, engine.nearestIntents(text));
  }

  /**
   * Runs `work` once all work given before for the same conversation has settled (whether it succeeded or
   * not). For channels that send replies themselves after the turn (Bot Framework, LINE): answering and
   * delivering inside `work` keeps the replies of one conversation in the order its questions came.
   */
  inOrder<T>(conversationId: string, work: () => Promise<T>): Promise<T> {
    return this.order.run(conversationId, work);
  }
}
