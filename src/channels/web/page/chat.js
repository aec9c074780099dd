// The web chat page's script: asks POST /api/chat and shows the replies.
// Everything the bot or the user says is put on the page with textContent, never parsed as HTML.

const STORAGE_KEY = 'article-bot:conversation';
const REQUEST_TIMEOUT_MS = 15_000;
// Enough to restore a long chat after a reload without filling sessionStorage.
const MAX_SAVED_ENTRIES = 100;
const RETRY_HINT = 'Your question is still in the box: press Send to try again.';

const transcript = /** @type {HTMLElement} */ (document.getElementById('transcript'));
const form = /** @type {HTMLFormElement} */ (document.getElementById('ask'));
const input = /** @type {HTMLInputElement} */ (document.getElementById('question'));
// Relative, so the page still works when a proxy serves the bot under a path prefix.
const endpoint = new URL('api/chat', document.baseURI);

const conversation = loadConversation();
let busy = false;

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void send(input.value);
});

if (conversation.entries.length > 0) {
  for (const entry of conversation.entries) renderEntry(entry);
  scrollToEnd();
} else {
  void greet();
}

/**
 * The conversation id and what was said, from sessionStorage: a reload keeps both, a new tab starts afresh.
 * @returns {{ id: string, entries: Array<{ from: 'user', text: string } | { from: 'bot', reply: unknown }> }}
 */
function loadConversation() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null');
    if (saved && typeof saved.id === 'string' && Array.isArray(saved.entries)) return saved;
  } catch {
    // Storage blocked (privacy settings) or holding something unreadable: start a new conversation.
  }
  return { id: newConversationId(), entries: [] };
}

function saveConversation() {
  conversation.entries = conversation.entries.slice(-MAX_SAVED_ENTRIES);
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(conversation));
  } catch {
    // Without storage the chat still works; only a reload forgets it.
  }
}

function newConversationId() {
  // randomUUID exists only in secure contexts, and a phone opening http://<LAN address>:3978/ is not one.
  if (typeof crypto.randomUUID === 'function') return `web-${crypto.randomUUID()}`;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `web-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Shows the bot's own greeting. Asked without the conversation id, so it leaves the conversation's context alone. */
async function greet() {
  const pending = showPending();
  const result = await ask('hello', false);
  pending.remove();
  if (result.ok) {
    record({ from: 'bot', reply: result.reply });
  } else {
    append(renderError(result.message));
  }
}

/** Sends one question; on failure the question goes back into the box so the user can send it again. */
async function send(text) {
  const question = text.trim();
  if (question === '' || busy) return;
  busy = true;
  input.value = '';
  const asked = append(renderUser(question));
  const pending = showPending();
  const result = await ask(question, true);
  pending.remove();
  busy = false;
  if (result.ok) {
    // Saved only once answered, so a failed attempt is not replayed after a reload.
    conversation.entries.push({ from: 'user', text: question });
    record({ from: 'bot', reply: result.reply });
  } else {
    append(renderError(`${result.message} ${RETRY_HINT}`));
    asked.classList.add('unanswered');
    // Whatever the user started typing meanwhile wins over the old question.
    if (input.value === '') input.value = question;
  }
}

/**
 * Posts a question to the JSON webhook.
 * @returns {Promise<{ ok: true, reply: object } | { ok: false, message: string }>}
 */
async function ask(text, inConversation) {
  const body = inConversation ? { text, conversationId: conversation.id } : { text };
  let response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'TimeoutError') {
      return { ok: false, message: `The bot did not answer within ${REQUEST_TIMEOUT_MS / 1000} seconds.` };
    }
    return { ok: false, message: 'Cannot reach the bot: the server may be stopped or the network down.' };
  }
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    // Not JSON (a proxy's error page, say): reported below by status.
  }
  if (response.ok && payload && typeof payload.text === 'string') return { ok: true, reply: payload };
  const message = payload?.error?.message;
  if (typeof message === 'string' && message !== '') {
    return { ok: false, message: `The bot could not answer: ${message}` };
  }
  return { ok: false, message: `The bot answered with an error (HTTP ${response.status}).` };
}

function record(entry) {
  conversation.entries.push(entry);
  saveConversation();
  renderEntry(entry);
}

function renderEntry(entry) {
  if (entry.from === 'user' && typeof entry.text === 'string') append(renderUser(entry.text));
  if (entry.from === 'bot' && entry.reply && typeof entry.reply.text === 'string') append(renderReply(entry.reply));
}

function append(node) {
  transcript.append(node);
  scrollToEnd();
  return node;
}

function scrollToEnd() {
  transcript.scrollTop = transcript.scrollHeight;
}

function showPending() {
  return append(element('p', 'pending', 'The bot is thinking…'));
}

/** A new element with `text` as its text content (never as markup). */
function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function message(kind, speaker) {
  const node = element('div', `message ${kind}`);
  // Screen readers hear who speaks; sighted users see it from the bubble's side and colour.
  node.append(element('span', 'visually-hidden', `${speaker}: `));
  return node;
}

function renderUser(text) {
  const node = message('user', 'You');
  // The language each message is in, for screen readers, fonts and line breaking: a question with a Chinese
  // character is Chinese (and answered in Chinese), any other English.
  node.lang = /\p{Script=Han}/u.test(text) ? 'zh' : 'en';
  node.append(element('p', 'said', text));
  return node;
}

function renderError(text) {
  const node = message('bot error', 'Error');
  node.append(element('p', 'error-title', 'No answer'), element('p', 'said', text));
  return node;
}

function renderReply(reply) {
  const node = message('bot', 'Bot');
  node.lang = reply.lang === 'zh' ? 'zh' : 'en';
  const quotes = Array.isArray(reply.quotes) ? reply.quotes.filter(isQuote) : [];
  const shown = new Set();
  for (const line of reply.text.split('\n')) {
    if (line.trim() === '') continue;
    // A line that carries a quotation is shown as that quotation, with its speaker, instead of twice.
    const index = quotes.findIndex((quote, i) => !shown.has(i) && line.includes(`"${quote.text}"`));
    if (index === -1) {
      node.append(element('p', 'said', line));
    } else {
      shown.add(index);
      node.append(renderQuote(quotes[index]));
    }
  }
  quotes.forEach((quote, i) => {
    if (!shown.has(i)) node.append(renderQuote(quote));
  });
  const sources = Array.isArray(reply.sources) ? reply.sources.filter(isSource) : [];
  if (sources.length > 0) node.append(renderSources(sources));
  const suggestions = Array.isArray(reply.suggestions)
    ? reply.suggestions.filter((s) => typeof s === 'string' && s.trim() !== '')
    : [];
  if (suggestions.length > 0) node.append(renderSuggestions(suggestions));
  return node;
}

function isQuote(quote) {
  return quote && typeof quote.text === 'string' && typeof quote.speaker === 'string';
}

function isSource(source) {
  return source && typeof source.text === 'string';
}

function where(paragraph) {
  return typeof paragraph === 'number' ? `paragraph ${paragraph}` : 'copyright notice';
}

function renderQuote(quote) {
  const figure = element('figure', 'quote');
  // A quotation is the article's words, in English whatever the reply's language.
  const blockquote = element('blockquote');
  blockquote.lang = 'en';
  blockquote.append(element('p', null, quote.text));
  const caption = element('figcaption');
  caption.append('— ', element('span', 'speaker', quote.speaker));
  if (typeof quote.role === 'string' && quote.role !== '') caption.append(`, ${quote.role}`);
  if (typeof quote.paragraph === 'number') caption.append(` (${where(quote.paragraph)})`);
  figure.append(blockquote, caption);
  return figure;
}

function renderSources(sources) {
  const details = element('details', 'sources');
  details.append(element('summary', null, `Sources: ${sourcePlaces(sources)}`));
  // Sources are sentences of the article, in English.
  const list = element('ol');
  list.lang = 'en';
  for (const source of sources) {
    const item = element('li');
    item.append(element('span', 'where', `${capitalize(where(source.paragraph))}: `), source.text);
    list.append(item);
  }
  details.append(list);
  return details;
}

/** "paragraph 2", "paragraphs 2 and 5", "paragraph 9 and copyright notice". */
function sourcePlaces(sources) {
  const numbers = [...new Set(sources.map((s) => s.paragraph).filter((p) => typeof p === 'number'))];
  const places = [];
  if (numbers.length === 1) places.push(`paragraph ${numbers[0]}`);
  if (numbers.length > 1) places.push(`paragraphs ${numbers.slice(0, -1).join(', ')} and ${numbers.at(-1)}`);
  if (sources.some((s) => typeof s.paragraph !== 'number')) places.push('copyright notice');
  return places.join(' and ');
}

function capitalize(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function renderSuggestions(suggestions) {
  const group = element('div', 'suggestions');
  group.setAttribute('role', 'group');
  group.setAttribute('aria-label', 'Suggested questions');
  for (const suggestion of suggestions) {
    const button = element('button', 'suggestion', suggestion);
    button.type = 'button';
    button.addEventListener('click', () => {
      // Back to the box, where the next question is most likely typed.
      input.focus();
      void send(suggestion);
    });
    group.append(button);
  }
  return group;
}
