/**
 * `npm run bench`: how fast the bot answers, in process and over HTTP, each speed figure beside a baseline
 * measured in the same run (A and B in turn, A B A B) and the target from the issue. Prints a table, or with
 * `--json` the JSON; always writes the JSON to var/bench/latest.json.
 *
 *   npm run bench                                  builds dist/ (the bot runs compiled, as npm start runs it),
 *                                                  then everything: about four minutes
 *   npm run bench -- --quick                       fewer and shorter rounds
 *   npm run bench -- --only inprocess,coldstart    some sections: inprocess, coldstart, http, state, redis, scale
 *   npm run bench -- --rounds 5 --duration 10 --connections 10
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadBot } from '../src/bot.js';
import { PROJECT_ROOT } from '../src/config.js';
import { wholeNumberFlag } from './args.js';
import { benchColdStart } from './bench/coldstart.js';
import { benchHttp, benchState, FEW, type HttpOptions, MANY } from './bench/http.js';
import { benchInProcess } from './bench/inprocess.js';
import { type Figure, unavailable } from './bench/measure.js';
import { BENCH_ENV } from './bench/processes.js';
import { benchRedis } from './bench/redis.js';
import { formatTable, type Report } from './bench/report.js';
import { benchScale, SCALE } from './bench/scale.js';
import { loadAnswerSet, loadQuestionSet } from './eval/evaluation.js';

const SECTIONS = ['inprocess', 'coldstart', 'http', 'state', 'redis', 'scale'] as const;
type Section = (typeof SECTIONS)[number];

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string' },
  },
});

function positive(name: string, text: string | undefined, fallback: number): number {
  return text === undefined ? fallback : wholeNumberFlag(name, text, 1);
}

function chosenSections(only: string | undefined): Section[] {
  if (only === undefined) return [...SECTIONS];
  const names = only
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) {
    if (!(SECTIONS as readonly string[]).includes(n))
      throw new Error(`--only: unknown section "${n}"; use ${SECTIONS.join(', ')}`);
  }
  return names as Section[];
}

const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);

// Ctrl-C: exit, which stops the servers under test (see processes.ts).
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

async function main(): Promise<void> {
  const quick = values.quick;
  const sections = chosenSections(values.only);
  const http: HttpOptions = {
    rounds: positive('rounds', values.rounds, quick ? 2 : 3),
    durationSeconds: positive('duration', values.duration, quick ? 2 : 5),
    connections: positive('connections', values.connections, 10),
    warmupSeconds: quick ? 1 : 2,
  };
  const inProcess = { rounds: quick ? 3 : 7, passes: quick ? 10 : 40 };
  const coldStartRuns = quick ? 5 : 7;
  const compactions = quick ? 3 : 5;
  const startedAt = new Date().toISOString();

  progress('loading the bot');
  const bot = await loadBot();
  const heldout = await loadQuestionSet(path.join(PROJECT_ROOT, 'test', 'fixtures', 'heldout.json'), bot.intents);
  const questions = heldout.map((q) => q.q);
  const chinese = await loadAnswerSet(path.join(PROJECT_ROOT, 'test', 'fixtures', 'heldout-zh.json'));
  const chineseQuestions = [...chinese.inScope, ...chinese.outOfScope].map((q) => q.q);
  const context = { engine: bot.engine, questions, progress };

  const figures: Figure[] = [];
  const run = async (section: Section, name: string, measure: () => Promise<Figure[]>) => {
    if (!sections.includes(section)) return;
    progress(name);
    try {
      figures.push(...(await measure()));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      progress(`${name} failed: ${message}`);
      figures.push(unavailable(name, 'the whole section', '', `failed: ${message.split('\n')[0]}`));
    }
  };
  await run('inprocess', 'in process', () => benchInProcess(bot, questions, inProcess, chineseQuestions));
  await run('coldstart', 'cold start', () => benchColdStart(coldStartRuns, progress));
  await run('http', 'http', () => benchHttp(context, http));
  await run('state', 'state', () => benchState(context, http));
  await run('redis', 'redis', () => benchRedis(context, http));
  await run('scale', 'scale', () => benchScale(context, http, compactions));

  const report: Report = {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: {
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? '',
    },
    options: { quick, sections, http, inProcess, coldStartRuns, compactions },
    notes: [
      'Every figure is the median of several runs (min–max beside it); a ratio is the bot over its baseline, ' +
        'taken per round with the two measured in turn (A B A B) in this run, and its median is what the target judges.',
      'Servers under test are child processes started as `npm start` starts the bot (node with the V8 flags of package.json start, dist/main.js, after npm run build), on a free port, ' +
        `LOG_LEVEL=${BENCH_ENV.LOG_LEVEL}, STATE_FILE and UNANSWERED_FILE in a temporary directory, WEBHOOK_SECRET and MicrosoftAppId empty.`,
      `Rate limits are off for them: RATE_LIMIT_PER_ADDRESS=${BENCH_ENV.RATE_LIMIT_PER_ADDRESS} and ` +
        `RATE_LIMIT_PER_CONVERSATION=${BENCH_ENV.RATE_LIMIT_PER_CONVERSATION}, since all the load comes from one address.`,
      `HTTP load: autocannon in this process on loopback, ${http.connections} connections, ${http.rounds} rounds of ` +
        `${http.durationSeconds} s per server after ${http.warmupSeconds} s of warm-up; held-out questions in turn, ` +
        `conversation ids from ${FEW} (or ${MANY.toLocaleString('en')}) seeded conversations.`,
      ...(sections.includes('redis')
        ? [
            'Redis: the redis section starts a redis-server of its own on a free loopback port (no RDB snapshots, no ' +
              'append-only file) and stops it at the end; its bots get REDIS_URL, and one REDIS_PREFIX per group ' +
              '(the bot set against lowdb, the two instances), so neither sees the keys of the other.',
          ]
        : []),
      ...(sections.includes('scale')
        ? [
            `Scale: the scale section seeds ${SCALE.toLocaleString('en')} conversations; it measures the compaction ` +
              'stall in this process first, with no server running, then starts one bot on the seeded file for the RSS figure.',
          ]
        : []),
      `Machine: ${os.cpus().length} CPUs, shared by the client, the servers and anything else running: compare ratios, not absolute figures.`,
    ],
    figures,
  };
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const file = path.join(PROJECT_ROOT, 'var', 'bench', 'latest.json');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, json);
  process.stdout.write(values.json ? json : formatTable(report));
  if (!values.json) process.stdout.write(`\nJSON: ${path.relative(process.cwd(), file)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
