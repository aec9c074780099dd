import type { Router } from 'express';
import { type Env, EnvReader } from '../env.js';
import { botFrameworkChannel } from './bot-framework/index.js';
import type { Channel, ChannelDeps } from './channel.js';
import { lineChannel } from './line/index.js';
import { slackChannel } from './slack/index.js';
import { telegramChannel } from './telegram/index.js';
import { webPageChannel } from './web/index.js';
import { webhookChannel } from './webhook/index.js';
import { wechatChannel } from './wechat/index.js';

/**
 * Every channel, in the order their routes are mounted: Express tries every layer in turn, so the busiest
 * come first. Each answers its own paths only, so the order changes nothing else. Adding a channel is a
 * folder beside these, one line here, and its variables in .env.example.
 */
export const CHANNELS = [
  webhookChannel,
  botFrameworkChannel,
  telegramChannel,
  slackChannel,
  wechatChannel,
  lineChannel,
  webPageChannel,
] as const;

type Registered = (typeof CHANNELS)[number];
type SettingsOf<C> = C extends Channel<string, infer S> ? S : never;

/** Each channel's settings under its name; null for a channel that is off. */
export type ChannelSettings = { [C in Registered as C['name']]: SettingsOf<C> | null };

/** Reads every channel's settings from `env`; throws the ConfigError of the first bad variable. */
export function readChannelSettings(env: Env = process.env): ChannelSettings {
  const vars = new EnvReader(env);
  const settings: Record<string, unknown> = {};
  for (const channel of CHANNELS as readonly Channel[]) settings[channel.name] = channel.readSettings(vars);
  return settings as ChannelSettings;
}

/**
 * The channels that are on (their settings are not null), each with its settings. Each channel's settings
 * have a type of their own; handed to it by its name, they are only ever its own, so here they are `unknown`.
 */
function mounted(settings: ChannelSettings): { channel: Channel; settings: unknown }[] {
  const on: { channel: Channel; settings: unknown }[] = [];
  for (const channel of CHANNELS as readonly Channel[]) {
    const own = (settings as Record<string, unknown>)[channel.name];
    if (own !== null && own !== undefined) on.push({ channel, settings: own });
  }
  return on;
}

/** The routers of the channels that are on, in the order of {@link CHANNELS}. */
export function channelRouters(settings: ChannelSettings, deps: ChannelDeps): Router[] {
  return mounted(settings).map(({ channel, settings: own }) => channel.routes(deps, own));
}

/** The signed paths of the channels that are on (see {@link Channel.signedPaths}). */
export function signedPaths(settings: ChannelSettings): Set<string> {
  return new Set(mounted(settings).flatMap(({ channel, settings: own }) => channel.signedPaths?.(own) ?? []));
}

/** What the start-up log says about each channel that is on, by name. */
export function describeChannels(settings: ChannelSettings): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    mounted(settings).map(({ channel, settings: own }) => [channel.name, channel.describe?.(own) ?? {}]),
  );
}
