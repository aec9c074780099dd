import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, type RunningServer, startServer } from '../../support/server.js';

// The web page in a real browser against the real server, started as `npm start` starts it.

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);
const MISSING = `no browser at ${CHROMIUM}: install Debian's chromium package (apt-get install -y chromium), which playwright-core drives`;
const PAYLOAD = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2">';

interface Reply {
  text: string;
  quotes: { text: string }[];
  suggestions: string[];
}

/** A page with everything it reported that would mean a bug: console errors, uncaught errors, CSP violations. */
interface Watched {
  page: Page;
  problems: string[];
}

describe('web page in a browser', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let dir: string;

  beforeAll(async () => {
    // The page is what users run: a missing browser fails the suite rather than leaving the page untested.
    if (!HAVE_CHROMIUM) throw new Error(MISSING);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'web-page-test-'));
    const [started, launched] = await Promise.allSettled([
      startServer({ STATE_FILE: path.join(dir, 'conversations.json') }),
      chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      }),
    ]);
    // Keep whichever started, so afterAll stops it even when the other failed.
    if (started.status === 'fulfilled') server = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;
  });

  afterAll(async () => {
    await browser?.close();
    if (server) {
      server.child.kill('SIGTERM');
      await exited(server.child);
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** What the server answers to `text` asked outside any conversation. */
  async function serverReply(text: string): Promise<Reply> {
    const res = await fetch(`${server!.url}/api/webhook`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Reply;
  }

  /** Opens the page in a fresh context (its own sessionStorage) and waits for the greeting. */
  async function openPage(): Promise<Watched> {
    const context = await browser!.newContext({ viewport: { width: 800, height: 700 } });
    context.setDefaultTimeout(5000);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    // Chromium reports most violations on the console anyway; the event catches every one.
    await page.addInitScript({
      content: `document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));`,
    });
    await page.goto(server!.url);
    await botMessages(page).first().waitFor();
    return { page, problems };
  }

  const botMessages = (page: Page) => page.locator('#transcript .message.bot');
  const userMessages = (page: Page) => page.locator('#transcript .message.user');
  const questionBox = (page: Page) => page.getByLabel('Your question');

  /** Waits for the bot's next message (an answer or an error) after `act`, and returns it. */
  async function nextBotMessage(page: Page, act: () => Promise<void>): Promise<Locator> {
    const before = await botMessages(page).count();
    await act();
    const message = botMessages(page).nth(before);
    await message.waitFor();
    return message;
  }

  function askByTyping(page: Page, text: string): Promise<Locator> {
    return nextBotMessage(page, async () => {
      await questionBox(page).fill(text);
      await questionBox(page).press('Enter');
    });
  }

  it("greets with the bot's own greeting, its suggestions as buttons", async () => {
    const { page, problems } = await openPage();
    const greeting = await serverReply('hello');
    expect(await botMessages(page).count()).toBe(1);
    expect(await userMessages(page).count()).toBe(0);
    const first = botMessages(page).first();
    expect(await first.locator('p.said').allTextContents()).toEqual(greeting.text.split('\n'));
    expect(await first.getByRole('button').allTextContents()).toEqual(greeting.suggestions);
    expect(await page.getByRole('log').getAttribute('aria-live')).toBe('polite');
    await expect(questionBox(page).evaluate((el) => el.tagName)).resolves.toBe('INPUT');
    expect(problems).toEqual([]);
  });

  it('answers a typed question, with its sources in a <details>, and empties the box', async () => {
    const { page, problems } = await openPage();
    const answer = await askByTyping(page, 'How many members does LinkedIn have?');
    expect(await userMessages(page).last().textContent()).toContain('How many members does LinkedIn have?');
    expect(await answer.locator('p.said').first().textContent()).toContain('300 million');
    const sources = answer.locator('details.sources');
    expect(await sources.locator('summary').textContent()).toBe('Sources: paragraph 2');
    expect(await sources.getAttribute('open')).toBeNull();
    await sources.locator('summary').click();
    const source = sources.locator('li').first();
    expect(await source.isVisible()).toBe(true);
    expect(await source.textContent()).toMatch(
      /^Paragraph 2: Derek Shen, president of LinkedIn China, .*300 million members/,
    );
    expect(await questionBox(page).inputValue()).toBe('');
    expect(problems).toEqual([]);
  });

  it('shows a quotation as a blockquote with its speaker and role, once', async () => {
    const { page, problems } = await openPage();
    const answer = await askByTyping(page, 'What did Derek Shen say?');
    const quote = answer.locator('figure.quote');
    expect(await quote.count()).toBe(1);
    expect(await quote.locator('blockquote').textContent()).toMatch(/^People have two identities\./);
    expect(await quote.locator('figcaption .speaker').textContent()).toBe('Derek Shen');
    expect(await quote.locator('figcaption').textContent()).toBe(
      '— Derek Shen, president of LinkedIn China (paragraph 5)',
    );
    // The reply's text carries the quotation too; the page shows it as the blockquote instead of repeating it.
    expect(await answer.locator('p.said').allTextContents()).not.toEqual(
      expect.arrayContaining([expect.stringContaining('People have two identities')]),
    );
    expect(problems).toEqual([]);
  });

  it('marks the language of each message: a Chinese question and its Chinese answer, the English quotation', async () => {
    const { page, problems } = await openPage();
    const answer = await askByTyping(page, 'Derek Shen说了什么？');
    expect(await userMessages(page).last().getAttribute('lang')).toBe('zh');
    expect(await answer.getAttribute('lang')).toBe('zh');
    expect(await answer.locator('p.said').first().textContent()).toContain('Derek Shen');
    expect(await answer.locator('figure.quote blockquote').getAttribute('lang')).toBe('en');
    expect(await answer.locator('p.said').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^【中文译文/)]),
    );
    expect(await answer.locator('details.sources ol').getAttribute('lang')).toBe('en');
    const english = await askByTyping(page, 'How many members does LinkedIn have?');
    expect(await english.getAttribute('lang')).toBe('en');
    expect(problems).toEqual([]);
  });

  it('asks a suggestion when its button is clicked, and when it is pressed with the keyboard', async () => {
    const { page, problems } = await openPage();
    const [clicked, pressed] = await botMessages(page).first().getByRole('button').all();
    const clickedText = (await clicked!.textContent())!;
    const answer = await nextBotMessage(page, () => clicked!.click());
    expect(await userMessages(page).last().textContent()).toContain(clickedText);
    // A fresh conversation with a stateless greeting: the answer is what the question gets on its own.
    const expected = await serverReply(clickedText);
    const quoted = (line: string) => expected.quotes.some((quote) => line.includes(quote.text));
    expect(await answer.locator('p.said').allTextContents()).toEqual(
      expected.text.split('\n').filter((line) => !quoted(line)),
    );
    expect(await answer.locator('.suggestion').allTextContents()).toEqual(expected.suggestions);
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('question');

    const pressedText = (await pressed!.textContent())!;
    await nextBotMessage(page, async () => {
      await pressed!.focus();
      await page.keyboard.press('Enter');
    });
    expect(await userMessages(page).last().textContent()).toContain(pressedText);
    expect(problems).toEqual([]);
  });

  it('answers a follow-up in the same conversation, also after a reload', async () => {
    const { page, problems } = await openPage();
    const first = await askByTyping(page, 'How many users does WeChat have?');
    expect(await first.textContent()).toContain('500 million');
    const saved = () => page.evaluate<string | null>(`sessionStorage.getItem('article-bot:conversation')`);
    const id = JSON.parse((await saved())!).id as string;
    expect(id).toMatch(/^web-[0-9a-f-]{32,36}$/);

    await page.reload();
    await botMessages(page).nth(1).waitFor();
    // The transcript comes back as it was (greeting and answer), without asking the server again.
    expect(await botMessages(page).count()).toBe(2);
    expect(await userMessages(page).allTextContents()).toEqual([
      expect.stringContaining('How many users does WeChat have?'),
    ]);
    expect(JSON.parse((await saved())!).id).toBe(id);

    const followUp = await askByTyping(page, 'And LinkedIn?');
    expect(await followUp.textContent()).toContain('300 million');
    expect(await followUp.textContent()).not.toContain('500 million');
    expect(problems).toEqual([]);
  });

  it('shows markup in a question as literal text and runs none of it', async () => {
    const { page, problems } = await openPage();
    const elementsBefore = await page.evaluate<number>(`document.querySelectorAll('script, img').length`);
    await askByTyping(page, PAYLOAD);
    expect(await userMessages(page).last().locator('p.said').textContent()).toBe(PAYLOAD);
    expect(await page.evaluate<unknown>('window.__pwned')).toBeUndefined();
    expect(await page.locator('#transcript script, #transcript img').count()).toBe(0);
    expect(await page.evaluate<number>(`document.querySelectorAll('script, img').length`)).toBe(elementsBefore);
    expect(problems).toEqual([]);
  });

  it('says clearly when the server cannot be reached, keeps the question, and Send retries it', async () => {
    const { page, problems } = await openPage();
    await page.route('**/api/chat', (route) => route.abort('connectionrefused'));
    const error = await askByTyping(page, 'How many members does LinkedIn have?');
    expect(await error.getAttribute('class')).toContain('error');
    expect(await error.textContent()).toContain('Cannot reach the bot');
    expect(await error.textContent()).toContain('press Send to try again');
    expect(await questionBox(page).inputValue()).toBe('How many members does LinkedIn have?');

    await page.unroute('**/api/chat');
    const answer = await nextBotMessage(page, () => page.getByRole('button', { name: 'Send' }).click());
    expect(await answer.textContent()).toContain('300 million');
    expect(await questionBox(page).inputValue()).toBe('');
    // Chromium logs the refused request itself; nothing else may appear.
    expect(problems.filter((p) => !p.includes('net::ERR_CONNECTION_REFUSED'))).toEqual([]);
  });

  it("shows the server's error message from {error:{code,message}} and keeps the question", async () => {
    const { page, problems } = await openPage();
    // Set by script, since typing stops at the input's maxlength: the real server then refuses it with a 400.
    const tooLong = 'a'.repeat(2001);
    const error = await nextBotMessage(page, async () => {
      await page.evaluate(`document.getElementById('question').value = 'a'.repeat(2001)`);
      await questionBox(page).press('Enter');
    });
    expect(await error.getAttribute('class')).toContain('error');
    expect(await error.textContent()).toContain('The bot could not answer: "text" must be at most 2000 characters.');
    expect(await questionBox(page).inputValue()).toBe(tooLong);
    expect(problems.filter((p) => !p.includes('status of 400'))).toEqual([]);
  });
});
