import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal } from '../../../src/store/conversations/journal.js';

let dir: string;
let file: string;
const opened: Journal[] = [];

async function open(fsync = false): Promise<Journal> {
  const journal = await Journal.open(file, { fsync });
  opened.push(journal);
  return journal;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-test-'));
  file = path.join(dir, 'state.json.journal');
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((j) => j.close()));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('Journal', () => {
  it('writes the lines appended in one tick in one write, in order, and resolves each once written', async () => {
    const journal = await open();
    const lines = Array.from({ length: 100 }, (_, i) => JSON.stringify({ seq: i + 1 }));
    await Promise.all(lines.map((line) => journal.append(line)));
    expect(journal.stats).toEqual({ bytes: lines.join('\n').length + 1, writes: 1 });
    expect(fs.readFileSync(file, 'utf8')).toBe(`${lines.join('\n')}\n`);
  });

  it('groups the lines of many concurrent writers, each waiting for its own, into fewer writes', async () => {
    const journal = await open();
    let written = 0;
    await Promise.all(
      Array.from({ length: 10 }, async (_, writer) => {
        for (let i = 0; i < 100; i++) {
          await journal.append(`${writer}:${i}`);
          // Resolved means in the file already: a reader now sees this line.
          expect(fs.readFileSync(file, 'utf8')).toContain(`${writer}:${i}\n`);
          written += 1;
        }
      }),
    );
    expect(written).toBe(1000);
    expect(journal.stats.writes).toBeLessThanOrEqual(150);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(new Set(lines).size).toBe(1000);
  });

  it('carries on appending to a file that already has lines', async () => {
    fs.writeFileSync(file, 'first\n');
    const journal = await open(true);
    await journal.append('second');
    expect(fs.readFileSync(file, 'utf8')).toBe('first\nsecond\n');
    expect(journal.stats.bytes).toBe('first\nsecond\n'.length);
  });

  it('rotates: earlier lines stay in the renamed file, later ones go to a new file at the same path', async () => {
    const journal = await open();
    await journal.append('before');
    await journal.rotate(`${file}.old`);
    expect(journal.stats.bytes).toBe(0);
    await journal.append('after');
    expect(fs.readFileSync(`${file}.old`, 'utf8')).toBe('before\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('after\n');
  });

  it('writes what is queued when closing, then rejects appends; closing twice is fine', async () => {
    const journal = await open();
    const last = journal.append('last');
    const closed = journal.close();
    await expect(last).resolves.toBeUndefined();
    await closed;
    await expect(journal.close()).resolves.toBeUndefined();
    await expect(journal.append('late')).rejects.toThrow(/journal is closed/);
    expect(fs.readFileSync(file, 'utf8')).toBe('last\n');
  });
});
