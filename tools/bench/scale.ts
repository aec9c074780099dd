/**
 * Figures at 100,000 stored conversations: the longest event-loop stall while the conversation store compacts,
 * measured in this process, and the bot's peak RSS under the /api/webhook load. The stall is measured first, before
 * the section starts its server, so no child's load competes with this process for the cores meanwhile.
 */
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { LowConversationStore } from '../../src/store/conversations/store.js';
import {
  failureNote,
  type HttpContext,
  type HttpOptions,
  randomIds,
  rounds,
  Servers,
  throughputs,
  watchRss,
  webhookBodies,
} from './http.js';
import { type LoadResult, load } from './load.js';
import { type Figure, figure, median, summarize } from './measure.js';
import { seedStateFile } from './state.js';

/** Conversations the section's store holds (the store's default cap, maxEntries). */
export const SCALE = 100_000;
const CONVERSATIONS = `${SCALE.toLocaleString('en')} conversations`;

/** Turns run before each compaction, so the journal it folds in is not empty. */
const TURNS_BEFORE_COMPACTION = 20;
/** Resolution of the event-loop delay monitor, in ms. */
const RESOLUTION_MS = 1;
/** Unmeasured time around each compaction, so the monitor has ticked before it and records a stall at its end. */
const SETTLE_MS = 20;

/** The section's figures; `compactions` is how many compactions the stall figure is the median of. */
export async function benchScale(context: HttpContext, options: HttpOptions, compactions: number): Promise<Figure[]> {
  const servers = await Servers.create('bench-scale-');
  try {
    const file = path.join(servers.dir, `conversations-${SCALE}.json`);
    context.progress(`seeding ${CONVERSATIONS}`);
    await seedStateFile(file, SCALE, context.engine, context.questions);
    // The store compacts a copy: the bot then starts on the file as seeded.
    const copy = path.join(servers.dir, `compaction-${SCALE}.json`);
    await copyFile(file, copy);
    const stall = await compactionStall(copy, compactions, context.progress);
    const rss = await rssUnderLoad(servers, file, context, options);
    return [rss, stall];
  } finally {
    await servers.close();
  }
}

/** The bot on `file` under the /api/webhook load, ids drawn at random from the seeded ones; its peak RSS per round. */
async function rssUnderLoad(
  servers: Servers,
  file: string,
  context: HttpContext,
  options: HttpOptions,
): Promise<Figure> {
  const bot = await servers.start('bot', {
    STATE_FILE: file,
    UNANSWERED_FILE: path.join(servers.dir, `unanswered-${SCALE}.json`),
  });
  const body = webhookBodies(context.questions, randomIds(SCALE, 1));
  context.progress(`${CONVERSATIONS}: warm-up`);
  await load(bot.url, '/api/webhook', body, { ...options, durationSeconds: options.warmupSeconds });
  const peaks: (number | null)[] = [];
  const watch = watchRss(bot.pid, peaks);
  const results: LoadResult[] = [];
  for (let r = 0; r < options.rounds; r++) {
    context.progress(`${CONVERSATIONS}: round ${r + 1}/${options.rounds}`);
    const unwatch = watch();
    results.push(await load(bot.url, '/api/webhook', body, options));
    await unwatch();
  }
  const peak = peaks.filter((p): p is number => p !== null);
  const throughput = Math.round(median(throughputs(results))).toLocaleString('en');
  return figure({
    section: 'scale',
    name: `RSS under load, ${CONVERSATIONS}`,
    unit: 'MB',
    value: peak.length > 0 ? summarize(peak) : null,
    target: { on: 'value', direction: 'at-most', limit: 300 },
    note:
      `VmRSS sampled every 100 ms during each measured round; /api/webhook load of ${rounds(options)} after ` +
      `${options.warmupSeconds} s of warm-up, conversation ids drawn at random from the seeded ones, ` +
      `${throughput} req/s (median)${failureNote(`${SCALE}-conversation`, results)}`,
  });
}

/**
 * Opens the store on `file` in this process and compacts it `runs` times, after a few turns each time; per run,
 * the longest event-loop delay while the compaction ran (monitorEventLoopDelay, {@link RESOLUTION_MS} ms resolution).
 */
async function compactionStall(file: string, runs: number, progress: (line: string) => void): Promise<Figure> {
  const store = await LowConversationStore.open(file, { sweepIntervalMs: 0 });
  const stalls: number[] = [];
  const durations: number[] = [];
  let snapshotMb = 0;
  try {
    const ids = randomIds(SCALE, 2);
    const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    for (let r = 0; r < runs; r++) {
      progress(`compaction at ${CONVERSATIONS}: run ${r + 1}/${runs}`);
      await Promise.all(
        Array.from({ length: TURNS_BEFORE_COMPACTION }, () =>
          store.transact(ids(), (s) => ({ state: { ...s, turns: s.turns + 1 }, result: null })),
        ),
      );
      histogram.reset();
      histogram.enable();
      await settle();
      const started = performance.now();
      await store.compact();
      durations.push(performance.now() - started);
      await settle();
      histogram.disable();
      stalls.push(histogram.max / 1e6);
    }
    snapshotMb = store.stats.snapshotBytes / (1024 * 1024);
  } finally {
    await store.close();
  }
  const ms = (values: number[]) => values.map((v) => Math.round(v).toLocaleString('en')).join(', ');
  return figure({
    section: 'scale',
    name: `Longest event-loop stall during compaction, ${CONVERSATIONS}`,
    unit: 'ms',
    value: summarize(stalls),
    target: { on: 'value', direction: 'at-most', limit: 20 },
    note:
      `in this process, no server running; monitorEventLoopDelay (resolution ${RESOLUTION_MS} ms) around each of ` +
      `${runs} store.compact() calls, each after ${TURNS_BEFORE_COMPACTION} turns; snapshot ${snapshotMb.toFixed(1)} MB; ` +
      `each compaction took ${ms(durations)} ms in total`,
  });
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}
