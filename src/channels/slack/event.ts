/** A question taken from a Slack event. */
export interface SlackQuestion {
  team: string;
  channel: string;
  /** The message's own ts, which identifies it within the channel. */
  ts: string;
  /** Set when the question was asked in a thread; the answer goes to the same thread. */
  threadTs?: string;
  /** The text with Slack's markup (mentions, links, escapes) removed. */
  text: string;
}

/** Message subtypes that are still a person writing; every other subtype (edits, joins, bots) is not. */
const PERSON_SUBTYPES: ReadonlySet<string> = new Set(['file_share', 'thread_broadcast']);

/**
 * The question in an event, or null when the bot must not answer it: only direct messages
 * (`message` with `channel_type: "im"`) and `app_mention`s from people are questions.
 */
export function questionFromEvent(team: string, event: Record<string, unknown>): SlackQuestion | null {
  const isDirect = event.type === 'message' && event.channel_type === 'im';
  if (!isDirect && event.type !== 'app_mention') return null;
  // bot_id marks every bot's message, this bot's own replies included: answering them would loop.
  if (event.bot_id !== undefined && event.bot_id !== null) return null;
  if (event.subtype !== undefined && !(typeof event.subtype === 'string' && PERSON_SUBTYPES.has(event.subtype)))
    return null;
  const { user, channel, ts, text, thread_ts: threadTs } = event;
  if (typeof user !== 'string' || typeof channel !== 'string' || typeof ts !== 'string' || typeof text !== 'string') {
    return null;
  }
  const question: SlackQuestion = { team, channel, ts, text: cleanSlackText(text) };
  if (typeof threadTs === 'string') question.threadTs = threadTs;
  return question;
}

/**
 * Slack's message markup turned into plain words: user and group mentions removed (`<@U123>` is how the
 * bot is addressed), channels and links shown by their label, and `&amp;`, `&lt;`, `&gt;` decoded.
 */
export function cleanSlackText(text: string): string {
  return text
    .replace(/<([@!])[^>]*>/g, ' ')
    .replace(/<#[A-Z0-9]+\|([^>]*)>/g, '#$1')
    .replace(/<([^>|]+)\|([^>]*)>/g, '$2')
    .replace(/<([^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}
