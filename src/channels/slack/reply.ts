import type { Reply } from '../../core/types.js';
import { SUGGESTIONS_HEADING, suggestionsNotInText } from '../format.js';

/** `&`, `<` and `>` are Slack's control characters in message text. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The reply as Slack message text: the complete answer, lines that carry a quotation as blockquotes,
 * then the suggested questions the answer does not already name (a fallback names its own) as a list.
 */
export function formatSlackText(reply: Reply): string {
  const lines = reply.text.split('\n').map((line) => {
    const quoted = reply.quotes.some((q) => line.includes(q.text));
    return quoted ? `> ${escapeSlack(line)}` : escapeSlack(line);
  });
  const text = lines.join('\n');
  const suggestions = suggestionsNotInText(reply);
  if (suggestions.length === 0) return text;
  return `${text}\n\n*${SUGGESTIONS_HEADING[reply.lang].trim()}*\n${suggestions.map((s) => `• ${escapeSlack(s)}`).join('\n')}`;
}
