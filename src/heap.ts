import v8 from 'node:v8';

/**
 * How far V8 lets the old generation grow past what the last full collection left live, in percent. By default
 * it grows to several times the live heap before it marks again: under load the bot's heap climbed from about
 * 40 MB live to 110 MB between collections and RSS followed it, 210 MB peak. At 50% the peak was 150 MB, for
 * about 3% more CPU per request (A/B runs; see docs/performance.md).
 */
export const HEAP_GROWING_PERCENT = 50;

/**
 * The V8 flag {@link leanHeap} sets, or null when the process was started with a growing percent of its own (a
 * V8 flag Node does not take from NODE_OPTIONS: only from the command line).
 */
export function heapFlag(execArgv: readonly string[]): string | null {
  const given = execArgv.some((arg) => /^--heap[-_]growing[-_]percent(=|$)/.test(arg));
  return given ? null : `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}

/**
 * Keeps the heap close to what is live (see {@link HEAP_GROWING_PERCENT}), set by the server itself so that every
 * way of starting it (`npm start`, `node dist/main.js`, a supervisor) gets it. V8 reads this flag at each full
 * collection, so setting it once the process runs takes effect. `node --heap-growing-percent=0 dist/main.js` gives
 * V8's own growth back.
 */
export function leanHeap(): void {
  const flag = heapFlag(process.execArgv);
  if (flag) v8.setFlagsFromString(flag);
}
