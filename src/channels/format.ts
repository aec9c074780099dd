import type { Lang } from '../core/language.js';
import type { Reply } from '../core/types.js';

/**
 * The suggestions a text-only channel still has to show: those `reply.text` does not already contain
 * (a fallback's text names its suggestions itself), in their order.
 */
export function suggestionsNotInText(reply: Reply): string[] {
  return reply.suggestions.filter((s) => !reply.text.includes(s));
}

/** What comes before the suggestions in a plain-text reply, in the reply's language. */
export const SUGGESTIONS_HEADING: Record<Lang, string> = { en: 'You could ask: ', zh: '你可以问：' };

/**
 * The reply as one plain text for channels that show only text and have no buttons: the complete
 * answer, then the suggested questions it does not already name on a line of their own.
 */
export function plainTextWithSuggestions(reply: Reply): string {
  const suggestions = suggestionsNotInText(reply);
  if (suggestions.length === 0) return reply.text;
  return `${reply.text}\n\n${SUGGESTIONS_HEADING[reply.lang]}${suggestions.join(' | ')}`;
}

/**
 * `text` unchanged when it has at most `max` UTF-16 units, else cut to exactly `max` ending in "…" (one
 * less when the cut would split a surrogate pair, so an emoji is dropped whole rather than broken).
 */
export function fitText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
