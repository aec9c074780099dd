import { ActionTypes, type Activity, MessageFactory, TextFormatTypes } from 'botbuilder';
import type { Lang } from '../../core/language.js';
import type { Reply, ReplyQuote } from '../../core/types.js';

/** The Activity locale of each language a reply can be in. */
const LOCALES: Record<Lang, string> = { en: 'en-US', zh: 'zh-CN' };

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
  // The language the message is in, as the Activity schema has it: clients pick fonts and speech by it.
  activity.locale = LOCALES[reply.lang];
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
      return quote ? blockQuote(quote, reply.lang) : escapeMarkdown(line);
    })
    .join('\n\n');
}

function blockQuote(quote: ReplyQuote, lang: Lang): string {
  const words = escapeMarkdown(quote.text)
    .split('\n')
    .map((l) => `> ${l}`);
  // In a Chinese reply the speaker's role is Chinese, and so is where the quote is ("第5段").
  const attribution =
    lang === 'zh'
      ? `> — ${escapeMarkdown(`${quote.speaker}，${quote.role}`)}（第${quote.paragraph}段）`
      : `> — ${escapeMarkdown(`${quote.speaker}, ${quote.role}`)} (paragraph ${quote.paragraph})`;
  return [...words, '>', attribution].join('\n');
}

/** Keeps article text literal: characters Markdown would read as emphasis, links, HTML or headings are escaped. */
function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]<>#|~]/g, '\\$&')
    .replace(/^(\s*)([-+])(?=\s)/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])(?=\s)/, '$1\\$2');
}
