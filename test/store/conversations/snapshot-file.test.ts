import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SnapshotFile } from '../../../src/store/conversations/snapshot-file.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-file-'));
  file = path.join(dir, 'state.json');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('SnapshotFile', () => {
  it('writes the same JSON as one JSON.stringify would, odd ids included, and reads it back', async () => {
    const values: [string, unknown][] = [
      ['__proto__', { turns: 1 }],
      ['say "hi"\n', { turns: 2, text: '天际网 — ✓' }],
      ['plain', { turns: 3, nested: [1, { a: null }] }],
    ];
    // The store holds each conversation as its JSON text.
    const conversations = new Map(values.map(([id, value]) => [id, { value: JSON.stringify(value) }]));
    const adapter = new SnapshotFile(file, true);
    await adapter.write({ seq: 42, conversations });
    const expected = { seq: 42, conversations: Object.fromEntries(values) };
    expect(fs.readFileSync(file, 'utf8')).toBe(JSON.stringify(expected));
    expect(await adapter.read()).toEqual(expected);
    expect(fs.readdirSync(dir)).toEqual(['state.json']);
    expect(await new SnapshotFile(path.join(dir, 'none.json'), false).read()).toBeNull();
  });

  it('gives the event loop back between slices: a turn arriving once writing has begun is answered before it ends', async () => {
    let done = false;
    let ranDuring = false;
    /** Conversations whose iteration, once begun, lets a turn in (as a request arriving then would). */
    class Conversations extends Map<string, { value: string }> {
      override [Symbol.iterator]() {
        setImmediate(() => {
          ranDuring = !done;
          this.set('arrived-meanwhile', { value: '{"turns":1}' });
        });
        return super[Symbol.iterator]();
      }
    }
    const conversations = new Conversations();
    for (let i = 0; i < 5_000; i++) conversations.set(`c${i}`, { value: `{"turns":${i}}` });
    await new SnapshotFile(file, false).write({ seq: 1, conversations });
    done = true;
    expect(ranDuring).toBe(true);
    // Written in one piece, the snapshot would hold the 5,000 and the turn would come after it.
    const written = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(Object.keys(written.conversations)).toHaveLength(5_001);
    expect(written.conversations['arrived-meanwhile']).toEqual({ turns: 1 });
  });

  it('leaves the previous snapshot in place when a write fails', async () => {
    fs.writeFileSync(file, '{"seq":1,"conversations":{}}');
    /** Conversations whose iteration fails halfway, after the first slices are written. */
    class Failing extends Map<string, { value: string }> {
      override *[Symbol.iterator](): MapIterator<[string, { value: string }]> {
        let n = 0;
        for (const entry of super[Symbol.iterator]()) {
          if (++n === 1_500) throw new Error('disk gone');
          yield entry;
        }
      }
    }
    const conversations = new Failing();
    for (let i = 0; i < 2_000; i++) conversations.set(`c${i}`, { value: '{}' });
    await expect(new SnapshotFile(file, false).write({ seq: 2, conversations })).rejects.toThrow('disk gone');
    expect(fs.readFileSync(file, 'utf8')).toBe('{"seq":1,"conversations":{}}');
    expect(fs.readdirSync(dir)).toEqual(['state.json']);
  });
});
