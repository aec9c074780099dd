import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';

/** Runs `npm run chat`'s command with the lines as typed input and returns what it printed. */
function chat(lines: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/chat.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ARTICLE_DIR: '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stdin.end(lines.map((l) => `${l}\n`).join(''));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout })));
}

describe('npm run chat', () => {
  it('greets, answers, follows up and quits', async () => {
    const { code, stdout } = await chat([
      'Tell me about Tianji',
      'How many users does it have?',
      'Who founded Google?',
      'quit',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Hello!/);
    const answers = stdout.split('\n> ').slice(1);
    expect(answers[0]).toContain('founded in 2005');
    expect(answers[1]).toMatch(
      /^Tianji\.com, a Beijing-based platform, boasts more than 18 million users \(paragraph 13\)\./,
    );
    expect(answers[2]).toContain('does not say');
  });

  it('answers Chinese in Chinese, in UTF-8, with the suggestions under a Chinese heading', async () => {
    const { code, stdout } = await chat(['天际网成立于哪一年', '它有多少用户？', 'quit']);
    expect(code).toBe(0);
    const answers = stdout.split('\n> ').slice(1);
    expect(answers[0]).toMatch(/^天际网成立于2005年（第13段）。\n {2}你可以问：/);
    expect(answers[1]).toContain('总部位于北京的平台天际网拥有超过1800万用户（第13段）。');
  });

  it('ends quietly at the end of input', async () => {
    const { code, stdout } = await chat(['hello']);
    expect(code).toBe(0);
    expect(stdout.split('\n> ')[1]).toMatch(/^Hello!/);
  });

  it('talks about the article ARTICLE_DIR names', async () => {
    const { code, stdout } = await chat(['How many members does the garden club have?', 'quit'], {
      ARTICLE_DIR: 'test/fixtures/second-article',
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Hello! I answer questions about one news story: the Millbrook library/);
    expect(stdout.split('\n> ')[1]).toMatch(/^The Millbrook Garden Club has 85 members \(paragraph 5\)\./);
  });
});
