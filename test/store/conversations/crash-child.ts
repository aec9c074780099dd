/**
 * Run by crash.test.ts with `node --import tsx`: opens the store at argv[2] and runs turns until it is killed,
 * printing one line per acknowledged change ("conversation <id> <turns>").
 * A small compactAfterBytes makes compactions frequent, so the kill often lands in the middle of one.
 */
import { createLogger } from '../../../src/log.js';
import { LowConversationStore } from '../../../src/store/conversations/store.js';

const file = process.argv[2];
if (!file) throw new Error('usage: crash-child.ts <state file>');
const store = await LowConversationStore.open(file, { compactAfterBytes: 8 * 1024, logger: createLogger('silent') });
process.stdout.write('ready\n');

let next = 0;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    for (;;) {
      const i = next++;
      // Ids come round again, so later turns build on the state of earlier ones.
      const id = `c-${i % 300}`;
      const turns = await store.transact(id, (state) => ({
        state: { ...state, turns: state.turns + 1 },
        result: state.turns + 1,
      }));
      process.stdout.write(`conversation ${id} ${turns}\n`);
    }
  }),
);
