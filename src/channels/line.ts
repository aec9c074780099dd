import express, { type Router } from 'express';
import type { LineSettings } from '../config.js';
import type { ChannelDeps } from './channel.js';

// SCAFFOLD: replaced by the channel's implementation before commit.
export function lineChannel(_deps: ChannelDeps & { settings: LineSettings }): Router {
  return express.Router();
}
