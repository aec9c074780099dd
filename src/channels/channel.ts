import type { BackgroundWork } from '../conversation/background.js';
import type { Turns } from '../conversation/turns.js';
import type { Logger } from '../log.js';

/** What every channel's routes are built from. */
export interface ChannelDeps {
  /** The turn path: every question is answered through it, and the welcome comes from it. */
  turns: Turns;
  logger: Logger;
  /** Where work that goes on after the response is tracked, so shutdown can wait for it. */
  background: BackgroundWork;
}
