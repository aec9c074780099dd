import type { Router } from 'express';
import type { BackgroundWork } from '../conversation/background.js';
import type { DedupeFactory } from '../conversation/once.js';
import type { Turns } from '../conversation/turns.js';
import type { EnvReader } from '../env.js';
import type { Metrics } from '../http/metrics.js';
import type { Logger } from '../log.js';

/**
 * A way people reach the bot: a platform's webhook, the Bot Framework, the web page. Each is one folder under
 * src/channels/ owning its settings, routes, parsing and formatting, and is listed once in src/channels/index.ts.
 * A channel only translates: it verifies a request, parses the question, asks the turn path, and formats the
 * reply the platform's way.
 */
export interface Channel<Name extends string = string, Settings = unknown> {
  /** The key of its settings (`ChannelSettings`) and how the start-up log names it. */
  readonly name: Name;
  /**
   * Reads and validates the channel's variables; null when they leave it off, and then its routes are not
   * mounted (they answer 404). Throws a ConfigError naming the variable, never with a secret in the message.
   */
  readSettings(env: EnvReader): Settings | null;
  /** The channel's routes, built once at start-up; each router answers the channel's own paths only. */
  routes(deps: ChannelDeps, settings: Settings): Router;
  /**
   * The paths whose every request is checked as the platform's own (a signature, a token) before it is read.
   * A platform delivers every user's messages from a few addresses, so these are limited per conversation, not
   * per client address; the open routes (webhook, web page, the Emulator's /api/messages) keep the address limit.
   */
  signedPaths?(settings: Settings): string[];
  /** What the start-up log line says about the channel's set-up; never a secret. */
  describe?(settings: Settings): Record<string, unknown>;
}

/**
 * A channel from its name and parts. The name keeps its literal type, so the registry's `ChannelSettings`
 * knows each channel's settings by name.
 */
export function defineChannel<const Name extends string, Settings>(
  name: Name,
  parts: Omit<Channel<Name, Settings>, 'name'>,
): Channel<Name, Settings> {
  return { name, ...parts };
}

/** What every channel's routes are built from. */
export interface ChannelDeps {
  /** The turn path: every question is answered through it, and the welcome comes from it. */
  turns: Turns;
  logger: Logger;
  /** Where work that goes on after the response is tracked, so shutdown can wait for it. */
  background: BackgroundWork;
  /** Where the channel counts what its retries repeat; none in tests that do not look. */
  metrics?: Metrics;
  /** Makes the channel's dedupe of a platform's retried deliveries (shared by every instance with REDIS_URL). */
  dedupe: DedupeFactory;
}
