import type { Reply } from '../../core/types.js';
import { fitText } from '../format.js';

/** LINE's limit on a text message. */
export const LINE_TEXT_LIMIT = 5000;
/** LINE's limits on quick reply buttons: how many, a label's length, a message action's text. */
export const LINE_QUICK_REPLY_LIMITS = { items: 13, label: 20, text: 300 } as const;

interface QuickReplyItem {
  type: 'action';
  action: { type: 'message'; label: string; text: string };
}

/** A LINE text message object as the reply API takes it. */
export interface LineTextMessage {
  type: 'text';
  text: string;
  quickReply?: { items: QuickReplyItem[] };
}

/**
 * The text message answering with `reply` (or a plain text): the text cut to {@link LINE_TEXT_LIMIT}, the
 * suggestions as message-action quick reply buttons within {@link LINE_QUICK_REPLY_LIMITS} (the label
 * shortened, the full question sent when tapped).
 */
export function toLineMessage(reply: Reply | string): LineTextMessage {
  const text = typeof reply === 'string' ? reply : reply.text;
  const suggestions = typeof reply === 'string' ? [] : reply.suggestions;
  const message: LineTextMessage = { type: 'text', text: fitText(text, LINE_TEXT_LIMIT) };
  const items = suggestions.slice(0, LINE_QUICK_REPLY_LIMITS.items).map(
    (s): QuickReplyItem => ({
      type: 'action',
      action: {
        type: 'message',
        label: fitText(s, LINE_QUICK_REPLY_LIMITS.label),
        text: fitText(s, LINE_QUICK_REPLY_LIMITS.text),
      },
    }),
  );
  if (items.length > 0) message.quickReply = { items };
  return message;
}
