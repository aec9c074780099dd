import express, { type Router } from 'express';
import type { BotFrameworkSettings } from '../config.js';
import type { ChannelDeps } from './channel.js';

// SCAFFOLD: replaced by the channel's implementation before commit.
export function botFrameworkChannel(_deps: ChannelDeps & { settings: BotFrameworkSettings }): Router {
  return express.Router();
}
