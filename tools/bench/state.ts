/** Conversation store files seeded with many conversations, for the state-at-scale figures. */
import { readFile, writeFile } from 'node:fs/promises';
import type { Engine } from '../../src/core/respond.js';
import { LowConversationStore } from '../../src/store/conversations/store.js';

/** How many conversations the store itself writes; the rest are copies of these under new ids. */
const WRITTEN_BY_STORE = 10;

/** The id of the i-th seeded conversation, as a webhook request names it. */
export function conversationId(i: number): string {
  return `bench-${i}`;
}

/** The id the store keeps it under: the webhook's conversations are stored in the `webhook:` namespace. */
function storedId(i: number): string {
  return `webhook:${conversationId(i)}`;
}

/**
 * Writes a conversation store file at `file` holding `count` conversations (the webhook's {@link conversationId}s),
 * each with the state a real turn leaves (the answer to one of `questions`).
 *
 * The store writes the first few through its own `transact`, so their format is whatever the store writes
 * today. The rest are copies of those entries under new ids, put in the same object of the file (far quicker
 * than 10,000 turns through the engine); reopening the store then checks that it reads back every one.
 */
export async function seedStateFile(
  file: string,
  count: number,
  engine: Engine,
  questions: readonly string[],
): Promise<void> {
  const direct = Math.min(count, WRITTEN_BY_STORE);
  const store = await LowConversationStore.open(file);
  for (let i = 0; i < direct; i++) {
    await store.transact(storedId(i), (state) => ({
      state: engine.respond(questions[i % questions.length]!, state).state,
      result: null,
    }));
  }
  await store.close();

  if (count > direct) {
    const data = JSON.parse(await readFile(file, 'utf8')) as unknown;
    const holder = findHolder(data, [storedId(0), storedId(1)]);
    if (!holder) {
      throw new Error(
        `${file}: cannot find the stored conversations "${storedId(0)}" and "${storedId(1)}" in the file the store wrote`,
      );
    }
    for (let i = direct; i < count; i++) holder[storedId(i)] = structuredClone(holder[storedId(i % direct)]);
    await writeFile(file, JSON.stringify(data));
  }

  const check = await LowConversationStore.open(file);
  const size = (check as { size?: unknown }).size;
  await check.close();
  if (typeof size === 'number' && size !== count) {
    throw new Error(`${file}: seeded ${count} conversations but the store reads back ${size}`);
  }
}

/** The object in `value` that has every one of `keys` as a property, searched depth first. */
function findHolder(value: unknown, keys: readonly string[]): Record<string, unknown> | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  if (!Array.isArray(value) && keys.every((k) => Object.hasOwn(record, k))) return record;
  for (const child of Object.values(record)) {
    const found = findHolder(child, keys);
    if (found) return found;
  }
  return null;
}
