import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { REWORDINGS, withTypo } from '../../tools/eval/evaluation.js';

const run = promisify(execFile);

/** `npm run eval -- ARGS`'s command: its output and exit code. */
async function evaluate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'tools/eval.ts', ...args], {
      cwd: PROJECT_ROOT,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const TRAIN = [
  ...['book a table for two', 'reserve a table tonight', 'table for four please', 'can i book dinner'].map((text) => ({
    text,
    intent: 'restaurant.book',
  })),
  ...['what is the weather', 'will it rain today', 'weather forecast tomorrow', 'is it sunny outside'].map((text) => ({
    text,
    intent: 'weather.ask',
  })),
  ...['sing me a song', 'what is the capital of peru', 'tell me a joke'].map((text) => ({ text, intent: null })),
];

describe('npm run eval -- --train F --test F', () => {
  it('trains on any labelled data and prints the scores as one JSON object', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'eval-'));
    const train = path.join(dir, 'train.json');
    const test = path.join(dir, 'test.json');
    await writeFile(train, JSON.stringify(TRAIN));
    // Asked its own training examples, the recognizer must get them all: the contract, not generalization.
    await writeFile(test, JSON.stringify(TRAIN));
    const { code, stdout } = await evaluate(['--train', train, '--test', test, '--json']);
    expect(code).toBe(0);
    const scores = JSON.parse(stdout);
    expect(Object.keys(scores).sort()).toEqual(['accuracy', 'inScopeAccuracy', 'macroF1', 'n', 'outOfScopeRejection']);
    expect(scores).toEqual({ accuracy: 1, inScopeAccuracy: 1, outOfScopeRejection: 1, macroF1: 1, n: TRAIN.length });
  }, 60_000);

  it('says which file is wrong, and how, without a stack trace', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'eval-'));
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify([{ text: 42, intent: 'x' }]));
    const { code, stderr } = await evaluate(['--train', bad, '--test', bad]);
    expect(code).not.toBe(0);
    expect(stderr).toContain('bad.json');
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe('rewordings', () => {
  it('reword every question the same way in every run, and change it', () => {
    const q = 'When was the Chinese-language website launched?';
    expect(withTypo(q)).toBe(withTypo(q));
    expect(withTypo(q)).not.toBe(q);
    expect(withTypo(q).length - q.length).toBeLessThanOrEqual(1);
    for (const r of REWORDINGS.slice(1)) expect(r.reword(q), r.name).not.toBe(q);
  });
});
