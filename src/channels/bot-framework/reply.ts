import { ActionTypes, type Activity, MessageFactory, TextFormatTypes } from 'botbuilder';
import type { Reply, ReplyQuote } from '../../core/types.js';

/**
 * The reply as a Bot Framework message: Markdown text in which each quotation is a block quote followed by
 * "— speaker, role (paragraph n)", and the suggested questions as buttons that send the question (imBack).
 * Every fact and quote of `reply.text` is in the message text, so a channel that shows only text loses
 * nothing.
 */
export function replyActivity(reply: Reply): Partial<Activity> {
  const text = toMarkdown(reply);
  const activity =
    reply.suggestions.length > 0
      ? MessageFactory.suggestedActions(
          reply.suggestions.map((s) => ({ type: ActionTypes.ImBack, title: s, value: s })),
          text,
        )
      : MessageFactory.text(text);
  activity.textFormat = TextFormatTypes.Markdown;
  return activity;
}

/**
 * `reply.text` as Markdown. The answerer writes each statement on a line of its own, a quotation as
 * `Name, role, said: "exact words" (paragraph n).`; such a line becomes a block quote with the speaker
 * under it. Lines become paragraphs, because a single line break in Markdown is only a space.
 */
export function toMarkdown(reply: Reply): string {
  return reply.text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const quote = reply.quotes.find((q) => line.includes(`"${q.text}"`));
      return quote ? blockQuote(quote) : escapeMarkdown(line);
    })
    .join('\n\n');
}

function blockQuote(quote: ReplyQuote): string {
  const words = escapeMarkdown(quote.text)
    .split('\n')
    .map((l) => `> ${l}`);
  const attribution = `> — ${escapeMarkdown(`${quote.speaker}, ${quote.role}`)} (paragraph ${quote.paragraph})`;
  return [...words, '>', attribution].join('\n');
}

/** Keeps article text literal: characters Markdown would read as emphasis, links, HTML or headings are escaped. */
function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]<>#|~]/g, '\\$&')
    .replace(/^(\s*)([-+])(?=\s)/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])(?=\s)/, '$1\\$2');
}
