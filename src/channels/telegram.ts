import express, { type Router } from 'express';
import type { TelegramSettings } from '../config.js';
import type { ChannelDeps } from './channel.js';

// SCAFFOLD: replaced by the channel's implementation before commit.
export function telegramChannel(_deps: ChannelDeps & { settings: TelegramSettings }): Router {
  return express.Router();
}
