import type { BackgroundWork } from '../conversation/background.js';
import type { Engine } from '../core/respond.js';
import type { RateLimiter } from '../http/rate-limit.js';
import type { Logger } from '../log.js';
import type { ConversationStore } from '../store/conversations/store.js';

/** What every channel adapter is built from. */
export interface ChannelDeps {
  engine: Engine;
  conversations: ConversationStore;
  logger: Logger;
  /** Questions per conversation; none when omitted. */
  conversationLimiter?: RateLimiter;
  /** Where work that goes on after the response is tracked, so shutdown can wait for it. */
  background?: BackgroundWork;
}
