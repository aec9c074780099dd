/**
 * `npm run loadtest`: sustained load on the compiled server (started as `npm start` runs it), first on
 * `POST /api/webhook`, then on `POST /api/messages` with expectReplies, held-out questions spread over many
 * conversations. Prints per route the requests, errors, non-2xx responses and latency percentiles, the
 * server's memory after warm-up, after each route and after an idle spell, and checks that the server still
 * answers and every conversation kept its context. Exits 1 on any error or non-2xx response, a failed check,
 * or heap growth beyond the noise band.
 *
 *   npm run loadtest                                    60 s per route at 32 connections after 10 s of warm-up per route
 *   npm run loadtest -- --duration 15 --warmup 5        shorter
 *   npm run loadtest -- --connections 64 --conversations 5000 --idle 20
 *   npm run loadtest -- --json                          the report as JSON
 *   npm run loadtest -- --no-inspector                  RSS only (no --inspect on the server, so no heap figures)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../src/config.js';
import { wholeNumberFlag as whole } from './args.js';
import { BENCH_ENV, SCRIPTS, type Server, startServer, stop } from './bench/processes.js';
import {
  activityTurns,
  checkLedger,
  type FollowUpCheck,
  followUp,
  health,
  type LedgerCheck,
  readStore,
  type TurnsOf,
  webhookTurns,
} from './loadtest/checks.js';
import { Inspector, inspectorUrl } from './loadtest/inspector.js';
import { bandMb, HEAP_BAND, type MemorySample, type NoiseBand, RSS_BAND, sampleMemory } from './loadtest/memory.js';
import {
  activityTraffic,
  drive,
  Ledger,
  type LoadFigures,
  loadQuestions,
  type Traffic,
  webhookTraffic,
} from './loadtest/traffic.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    connections: { type: 'string', default: '32' },
    warmup: { type: 'string', default: '10' },
    idle: { type: 'string', default: '10' },
    conversations: { type: 'string', default: '1000' },
    json: { type: 'boolean', default: false },
    'no-inspector': { type: 'boolean', default: false },
  },
});

/** Conversations per route asked one more question after the load, to see that their context is still there. */
const FOLLOW_UP_SAMPLE = 20;
const FOLLOW_UP_QUESTION = 'And what else does the article say?';

interface RouteReport {
  name: string;
  warmup: LoadFigures;
  load: LoadFigures;
}

interface Growth {
  fromMb: number | null;
  toMb: number | null;
  growthMb: number | null;
  bandMb: number | null;
  band: NoiseBand;
  grew: boolean;
}

interface Report {
  startedAt: string;
  options: {
    durationSeconds: number;
    warmupSeconds: number;
    idleSeconds: number;
    connections: number;
    conversations: number;
    questions: number;
  };
  server: { command: string; pid: number; env: Record<string, string>; heap: string };
  routes: RouteReport[];
  memory: { samples: MemorySample[]; rss: Growth; heap: Growth };
  checks: { health: number; followUps: FollowUpCheck[]; ledgers: LedgerCheck[]; afterShutdown: LedgerCheck[] };
  failures: string[];
  warnings: string[];
  pass: boolean;
}

const progress = (line: string) => process.stderr.write(`loadtest: ${line}\n`);

// Ctrl-C: exit, which stops the server under test (see bench/processes.ts).
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

async function main(): Promise<void> {
  const durationSeconds = whole('duration', values.duration!, 1);
  const warmupSeconds = whole('warmup', values.warmup!, 0);
  const idleSeconds = whole('idle', values.idle!, 0);
  const connections = whole('connections', values.connections!, 1);
  const conversations = whole('conversations', values.conversations!, 1);
  const questions = await loadQuestions(path.join(PROJECT_ROOT, 'test', 'fixtures', 'heldout.json'));

  const dir = await mkdtemp(path.join(tmpdir(), 'loadtest-'));
  const stateFile = path.join(dir, 'conversations.json');
  // The held-out questions the load asks are not the operator's to review: unanswered ones are kept beside the state.
  const env: Record<string, string> = {
    ...BENCH_ENV,
    STATE_FILE: stateFile,
    UNANSWERED_FILE: path.join(dir, 'unanswered.json'),
  };
  if (!values['no-inspector']) {
    // The inspector listens on a free loopback port; the load test alone talks to it, to force a GC and read the heap.
    env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:0`.trim();
  }
  progress(`starting the server (as npm start runs dist/main.js, STATE_FILE in ${dir})`);
  let server: Server | undefined;
  let inspector: Inspector | null = null;
  try {
    server = await startServer('bot', env);
    let heap = 'off (--no-inspector)';
    if (!values['no-inspector']) {
      const url = inspectorUrl(server.output());
      try {
        if (url === null) throw new Error('the server printed no "Debugger listening" line');
        inspector = await Inspector.connect(url);
        heap = 'V8 heap used after a full GC, read through the inspector (--inspect=127.0.0.1:0)';
      } catch (error) {
        heap = `unavailable: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    const report: Report = {
      startedAt: new Date().toISOString(),
      options: { durationSeconds, warmupSeconds, idleSeconds, connections, conversations, questions: questions.length },
      server: {
        command: `node ${SCRIPTS.bot.join(' ')}`,
        pid: server.pid,
        env: { ...env, STATE_FILE: stateFile },
        heap,
      },
      routes: [],
      memory: { samples: [], rss: emptyGrowth(RSS_BAND), heap: emptyGrowth(HEAP_BAND) },
      checks: { health: 0, followUps: [], ledgers: [], afterShutdown: [] },
      failures: [],
      warnings: [],
      pass: false,
    };
    await run(report, server, inspector, {
      questions,
      conversations,
      connections,
      durationSeconds,
      warmupSeconds,
      idleSeconds,
      stateFile,
    });
    inspector?.close();
    inspector = null;
    progress('stopping the server');
    await stop(server.child);
    // After a clean shutdown the store holds everything in its snapshot: check it once more, as a restart would find it.
    report.checks.afterShutdown = ledgerChecks(report, stateFile);
    for (const check of report.checks.afterShutdown) {
      if (check.consistent !== check.conversations)
        report.failures.push(`after shutdown, ${check.route}: ${check.problems.join('; ')}`);
    }
    report.pass = report.failures.length === 0;
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    process.exitCode = report.pass ? 0 : 1;
  } finally {
    inspector?.close();
    if (server) await stop(server.child);
    await rm(dir, { recursive: true, force: true });
  }
}

interface RunOptions {
  questions: readonly string[];
  conversations: number;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  idleSeconds: number;
  stateFile: string;
}

const ledgers = new Map<string, Ledger>();
const turnsOfRoute = new Map<string, TurnsOf>();

function ledgerChecks(report: Report, stateFile: string): LedgerCheck[] {
  const store = readStore(stateFile);
  return report.routes.map((r) => checkLedger(r.name, ledgers.get(r.name)!, store, turnsOfRoute.get(r.name)!));
}

async function run(report: Report, server: Server, inspector: Inspector | null, o: RunOptions): Promise<void> {
  const routes: [Traffic, TurnsOf][] = [
    [webhookTraffic(), webhookTurns],
    [activityTraffic(), activityTurns],
  ];
  const sample = async (label: string) => {
    const s = await sampleMemory(label, server.pid, inspector);
    report.memory.samples.push(s);
    return s;
  };
  const warmups = new Map<string, LoadFigures>();
  for (const [traffic, turnsOf] of routes) {
    ledgers.set(traffic.name, new Ledger());
    turnsOfRoute.set(traffic.name, turnsOf);
    if (o.warmupSeconds === 0) {
      warmups.set(traffic.name, NO_LOAD);
      continue;
    }
    progress(`warm-up: ${traffic.name} for ${o.warmupSeconds} s`);
    warmups.set(
      traffic.name,
      await drive(server.url, traffic, { ...o, durationSeconds: o.warmupSeconds, ledger: ledgers.get(traffic.name)! }),
    );
  }
  const warm = await sample('after warm-up');
  for (const [traffic] of routes) {
    progress(`load: ${traffic.name} for ${o.durationSeconds} s at ${o.connections} connections`);
    const load = await drive(server.url, traffic, { ...o, ledger: ledgers.get(traffic.name)! });
    report.routes.push({ name: traffic.name, warmup: warmups.get(traffic.name)!, load });
    await sample(`after ${traffic.name.replace(/^POST /, '')}`);
  }
  if (o.idleSeconds > 0) {
    progress(`idle for ${o.idleSeconds} s`);
    await new Promise((resolve) => setTimeout(resolve, o.idleSeconds * 1000));
  }
  const settled = await sample(`after ${o.idleSeconds} s idle`);
  report.memory.rss = growth(warm.rssMb, settled.rssMb, RSS_BAND);
  report.memory.heap = growth(warm.heapUsedMb, settled.heapUsedMb, HEAP_BAND);

  progress('checking the server and the stored conversations');
  report.checks.health = await health(server.url);
  report.checks.ledgers = ledgerChecks(report, o.stateFile);
  for (const [traffic, turnsOf] of routes) {
    const ledger = ledgers.get(traffic.name)!;
    const answered = [...ledger.answered.keys()];
    const step = Math.max(1, Math.floor(answered.length / FOLLOW_UP_SAMPLE));
    const ids = answered.filter((_, i) => i % step === 0).slice(0, FOLLOW_UP_SAMPLE);
    report.checks.followUps.push(
      await followUp(server.url, traffic, ids, FOLLOW_UP_QUESTION, o.stateFile, turnsOf, ledger),
    );
  }
  judge(report);
}

const NO_LOAD: LoadFigures = {
  seconds: 0,
  requests: 0,
  requestsPerSecond: 0,
  ok: 0,
  errors: 0,
  timeouts: 0,
  non2xx: 0,
  byStatus: {},
  latencyMs: { p50: 0, p97_5: 0, p99: 0, max: 0, mean: 0 },
};

function emptyGrowth(band: NoiseBand): Growth {
  return { fromMb: null, toMb: null, growthMb: null, bandMb: null, band, grew: false };
}

function growth(from: number | null, to: number | null, band: NoiseBand): Growth {
  if (from === null || to === null) return { ...emptyGrowth(band), fromMb: from, toMb: to };
  const width = bandMb(from, band);
  return { fromMb: from, toMb: to, growthMb: to - from, bandMb: width, band, grew: to - from > width };
}

function judge(report: Report): void {
  const f = report.failures;
  for (const route of report.routes) {
    for (const [phase, figures] of [
      ['warm-up', route.warmup],
      ['load', route.load],
    ] as const) {
      if (figures.errors > 0)
        f.push(`${route.name} ${phase}: ${figures.errors} connection errors (${figures.timeouts} timeouts)`);
      if (figures.non2xx > 0)
        f.push(`${route.name} ${phase}: ${figures.non2xx} non-2xx responses (${statusList(figures)})`);
    }
  }
  if (report.checks.health !== 200) f.push(`GET /healthz answered ${report.checks.health || 'nothing'} after the load`);
  for (const c of report.checks.ledgers) {
    if (c.consistent !== c.conversations)
      f.push(
        `${c.route}: ${c.conversations - c.consistent} conversations stored inconsistently: ${c.problems.join('; ')}`,
      );
  }
  for (const c of report.checks.followUps) {
    if (c.inContext !== c.asked)
      f.push(
        `${c.route}: ${c.asked - c.inContext} of ${c.asked} follow-ups not answered in context: ${c.problems.join('; ')}`,
      );
  }
  const { heap, rss } = report.memory;
  if (heap.grew)
    f.push(
      `heap after GC grew ${heap.growthMb!.toFixed(1)} MB from warm-up, beyond the ${heap.bandMb!.toFixed(1)} MB noise band`,
    );
  if (rss.grew)
    report.warnings.push(
      `RSS grew ${rss.growthMb!.toFixed(1)} MB from warm-up, beyond the ${rss.bandMb!.toFixed(1)} MB noise band`,
    );
}

function statusList(figures: LoadFigures): string {
  return Object.entries(figures.byStatus)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, count]) => `${code}: ${count}`)
    .join(', ');
}

// ---------------------------------------------------------------------------------------------------------

const int = (n: number) => Math.round(n).toLocaleString('en');
const mb = (n: number | null) => (n === null ? '—' : n.toFixed(1));
const signedMb = (n: number | null) => (n === null ? '—' : `${n >= 0 ? '+' : ''}${n.toFixed(1)}`);

function table(rows: string[][], alignLeft = 1): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (i < alignLeft ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

function formatReport(r: Report): string {
  const o = r.options;
  const lines: string[] = [];
  lines.push(
    `Load test, ${r.startedAt}: each route ${o.durationSeconds} s at ${o.connections} connections after ${o.warmupSeconds} s of warm-up, ` +
      `${int(o.conversations)} conversations per route, ${o.questions} held-out questions (test/fixtures/heldout.json).`,
  );
  lines.push(
    `Server: ${r.server.command} (pid ${r.server.pid}) on loopback, STATE_FILE in a temporary directory, LOG_LEVEL=${r.server.env.LOG_LEVEL}, ` +
      `RATE_LIMIT_PER_ADDRESS=${r.server.env.RATE_LIMIT_PER_ADDRESS} and RATE_LIMIT_PER_CONVERSATION=${r.server.env.RATE_LIMIT_PER_CONVERSATION} ` +
      '(rate limits off: all the load comes from one address).',
  );
  lines.push('');
  const header = [
    'route',
    'phase',
    'requests',
    'req/s',
    'errors',
    'timeouts',
    'non-2xx',
    'p50 ms',
    'p97.5 ms',
    'p99 ms',
    'max ms',
  ];
  const rows = [header];
  for (const route of r.routes) {
    for (const [phase, f] of [
      ['warm-up', route.warmup],
      ['load', route.load],
    ] as const) {
      rows.push([
        route.name,
        phase,
        int(f.requests),
        int(f.requestsPerSecond),
        int(f.errors),
        int(f.timeouts),
        f.non2xx === 0 ? '0' : `${int(f.non2xx)} (${statusList(f)})`,
        String(f.latencyMs.p50),
        String(f.latencyMs.p97_5),
        String(f.latencyMs.p99),
        String(f.latencyMs.max),
      ]);
    }
  }
  lines.push(...table(rows, 2));
  lines.push('');
  lines.push(`Memory of the server: RSS from /proc/${r.server.pid}/status; heap: ${r.server.heap}.`);
  const memRows = [['', 'RSS MB', 'heap MB', 'external MB']];
  for (const s of r.memory.samples) memRows.push([s.label, mb(s.rssMb), mb(s.heapUsedMb), mb(s.externalMb)]);
  lines.push(...table(memRows));
  const verdict = (g: Growth) =>
    g.growthMb === null
      ? 'not measured'
      : `${signedMb(g.growthMb)} MB (noise band ${mb(g.bandMb)} MB: ${g.grew ? 'GROWTH' : 'within'})`;
  lines.push(`Change from warm-up to the end: heap ${verdict(r.memory.heap)}; RSS ${verdict(r.memory.rss)}.`);
  lines.push(
    `Noise bands: heap after GC ${HEAP_BAND.minMb} MB or ${HEAP_BAND.fraction * 100} % of its warm-up value, RSS ${RSS_BAND.minMb} MB or ` +
      `${RSS_BAND.fraction * 100} %, whichever is larger; heap growth fails the run, RSS growth only warns.`,
  );
  lines.push('');
  lines.push('Checks:');
  lines.push(`  GET /healthz after the load: ${r.checks.health || 'no answer'}`);
  for (const c of r.checks.ledgers) {
    lines.push(
      `  ${c.route}: ${int(c.consistent)} of ${int(c.conversations)} answered conversations stored with turns between their 2xx answers and ` +
        `the requests sent to them (in all ${int(c.turns)} turns for ${int(c.answered)} answers of ${int(c.sent)} requests)` +
        `${c.problems.length ? `: ${c.problems.join('; ')}` : ''}`,
    );
  }
  for (const c of r.checks.followUps) {
    lines.push(
      `  ${c.route}: ${c.inContext} of ${c.asked} loaded conversations answered one more question from their stored context (turns n -> n + 1)${c.problems.length ? ` (${c.problems.join('; ')})` : ''}`,
    );
  }
  for (const c of r.checks.afterShutdown) {
    lines.push(
      `  after a clean shutdown, ${c.route}: ${int(c.consistent)} of ${int(c.conversations)} conversations as above (${int(c.turns)} turns stored)`,
    );
  }
  lines.push('');
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  lines.push(
    r.pass
      ? 'PASS: no errors, no non-2xx responses, no heap growth beyond the noise band, context kept.'
      : `FAIL:\n${r.failures.map((x) => `  - ${x}`).join('\n')}`,
  );
  return `${lines.join('\n')}\n`;
}

main().catch((error: unknown) => {
  process.stderr.write(`loadtest failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
