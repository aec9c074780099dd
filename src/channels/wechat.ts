import express, { type Router } from 'express';
import type { WechatSettings } from '../config.js';
import type { ChannelDeps } from './channel.js';

// SCAFFOLD: replaced by the channel's implementation before commit.
export function wechatChannel(_deps: ChannelDeps & { settings: WechatSettings }): Router {
  return express.Router();
}
