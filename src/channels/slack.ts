import express, { type Router } from 'express';
import type { SlackSettings } from '../config.js';
import type { ChannelDeps } from './channel.js';

// SCAFFOLD: replaced by the channel's implementation before commit.
export function slackChannel(_deps: ChannelDeps & { settings: SlackSettings }): Router {
  return express.Router();
}
