/**
 * `npm run fuzz`: property-based fuzzing of every public route against an in-process server, many more cases
 * than `npm test` runs. Prints, per route, the counts by status and error code, the invariant violations
 * (the first few cases are saved to var/fuzz/failures.json) and the time taken; exits 1 on any violation.
 *
 *   npm run fuzz                                  10,000 cases per route, a random seed (printed)
 *   npm run fuzz -- --runs 2000 --seed 42         fewer cases, a fixed seed (the same cases again)
 *   npm run fuzz -- --routes webhook,wechat       some routes only
 *   npm run fuzz -- --concurrency 4               requests in flight (default 8)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { PROJECT_ROOT } from '../src/config.js';
import { wholeNumberFlag as whole } from './args.js';
import { checkResponse, errorCode, Watchdog } from './fuzz/check.js';
import {
  describeCase,
  type FuzzCase,
  type FuzzTarget,
  ROUTE_PATHS,
  ROUTES,
  type RouteName,
  routeArbitraries,
  SECRETS,
  startTarget,
} from './fuzz/targets.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    routes: { type: 'string' },
    concurrency: { type: 'string', default: '8' },
  },
});

/** Cases are generated in batches, so that Slack's timestamps are current when sent and memory stays small. */
const BATCH = 250;
/** Violating cases kept per route for failures.json. */
const KEEP = 10;

interface RouteReport {
  route: RouteName;
  path: string;
  cases: number;
  byStatus: Record<string, number>;
  byCode: Record<string, number>;
  violations: number;
  /** Violations by what was violated. */
  byProblem: Record<string, number>;
  failures: {
    problems: string[];
    logged: string[];
    case: ReturnType<typeof serialise>;
    response: { status: number; headers: unknown; body: string };
  }[];
  seconds: number;
}

function serialise(c: FuzzCase) {
  return {
    route: c.route,
    kind: c.kind,
    method: c.method,
    path: c.path,
    headers: c.headers,
    chunked: c.chunked,
    bodyLength: c.body.length,
    bodyBase64: c.body.length <= 70_000 ? c.body.toString('base64') : null,
    bodyPreview: c.body.subarray(0, 500).toString('utf8'),
  };
}

const bump = (record: Record<string, number>, key: string) => (record[key] = (record[key] ?? 0) + 1);

async function main(): Promise<void> {
  const runs = whole('runs', values.runs!, 1);
  const concurrency = whole('concurrency', values.concurrency!, 1);
  const seed =
    values.seed === undefined
      ? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0
      : whole('seed', values.seed, -(2 ** 31));
  const routes = values.routes === undefined ? [...ROUTES] : values.routes.split(',').map((r) => r.trim());
  for (const r of routes)
    if (!(ROUTES as readonly string[]).includes(r))
      throw new Error(`--routes: unknown route "${r}"; use ${ROUTES.join(', ')}`);

  process.stdout.write(
    `fuzz: ${runs} cases per route, seed ${seed}, ${concurrency} in flight (rerun with --seed ${seed} --runs ${runs})\n`,
  );
  const target = await startTarget();
  const watchdog = new Watchdog(Object.values(SECRETS), () => target.logs.drain(), true);
  const arbitraries = routeArbitraries(target.fakeUrl);
  const reports: RouteReport[] = [];
  /** Violations noticed once every route is done (work started after a response that failed later). */
  const late: string[] = [];
  try {
    for (const [index, route] of (routes as RouteName[]).entries()) {
      reports.push(
        await fuzzRoute(route, arbitraries[route], runs, seed + index * 100_003, concurrency, target, watchdog),
      );
      printRoute(reports.at(-1)!);
    }
    // Work a route starts after answering (Slack and LINE replies) may still fail late.
    await new Promise((resolve) => setTimeout(resolve, 500));
    late.push(...watchdog.take());
    const health = await fetch(`${target.url}/healthz`)
      .then((r) => r.status)
      .catch(() => 0);
    if (health !== 200) late.push(`GET /healthz answered ${health} after the fuzzing`);
    if (late.length > 0)
      process.stdout.write(`\nafter all routes: ${late.length} violations\n${late.map((v) => `  ${v}`).join('\n')}\n`);
    process.stdout.write(
      `\nfake APIs received: ${JSON.stringify(target.fakeCalls)}; log lines written: ${target.logs.total}\n`,
    );
  } finally {
    watchdog.stop();
    await target.close();
  }

  const total = reports.reduce((sum, r) => sum + r.violations, 0) + late.length;
  const file = path.join(PROJECT_ROOT, 'var', 'fuzz', 'failures.json');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(
    file,
    `${JSON.stringify({ seed, runs, routes, violations: total, late, reports: reports.filter((r) => r.violations > 0) }, null, 2)}\n`,
  );
  process.stdout.write(
    total === 0
      ? `\nfuzz: no violations in ${reports.reduce((s, r) => s + r.cases, 0)} cases (seed ${seed})\n`
      : `\nfuzz: ${total} violations (seed ${seed}); the first cases are in ${path.relative(process.cwd(), file)}\n`,
  );
  process.exitCode = total === 0 ? 0 : 1;
}

async function fuzzRoute(
  route: RouteName,
  arbitrary: fc.Arbitrary<FuzzCase>,
  runs: number,
  seed: number,
  concurrency: number,
  target: FuzzTarget,
  watchdog: Watchdog,
): Promise<RouteReport> {
  const report: RouteReport = {
    route,
    path: '',
    cases: 0,
    byStatus: {},
    byCode: {},
    violations: 0,
    byProblem: {},
    failures: [],
    seconds: 0,
  };
  const started = performance.now();
  for (let batch = 0; batch * BATCH < runs; batch++) {
    const count = Math.min(BATCH, runs - batch * BATCH);
    const cases = fc.sample(arbitrary, { numRuns: count, seed: seed + batch });
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++]!;
        const response = await target.send(c);
        const problems = [...checkResponse(c, response), ...watchdog.take()];
        report.cases += 1;
        bump(report.byStatus, response.status === 0 ? 'no response' : String(response.status));
        const code = errorCode(response);
        if (code !== null) bump(report.byCode, `${response.status} ${code}`);
        if (problems.length > 0) {
          report.violations += 1;
          for (const p of problems) bump(report.byProblem, p.split(': ')[0]!);
          if (report.failures.length < KEEP) {
            const logged = target.logs.problemsOf(response.headers['x-request-id']);
            report.failures.push({
              problems,
              logged,
              case: serialise(c),
              response: {
                status: response.status,
                headers: response.headers,
                body: response.body.subarray(0, 2000).toString('utf8'),
              },
            });
            if (report.failures.length <= 3) {
              const why = logged.length > 0 ? `\n    logged: ${logged.join('\n            ').slice(0, 500)}` : '';
              process.stdout.write(
                `  ${route}: violation: ${problems.join('; ')}\n    case: ${describeCase(c).slice(0, 500)}${why}\n`,
              );
            }
          }
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    process.stderr.write(`\r  ${route}: ${report.cases}/${runs}`);
  }
  process.stderr.write('\r');
  report.path = ROUTE_PATHS[route];
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

function printRoute(r: RouteReport): void {
  const lines = [`\n${r.path}: ${r.cases} cases in ${r.seconds.toFixed(1)} s, ${r.violations} violations`];
  const sorted = (record: Record<string, number>) =>
    Object.entries(record).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  lines.push(
    `  by status:     ${sorted(r.byStatus)
      .map(([s, n]) => `${s}: ${n}`)
      .join('   ')}`,
  );
  lines.push('  by error code:');
  for (const [code, n] of sorted(r.byCode)) lines.push(`    ${String(n).padStart(6)}  ${code}`);
  if (r.violations > 0) {
    lines.push('  violations by kind:');
    for (const [problem, n] of sorted(r.byProblem)) lines.push(`    ${String(n).padStart(6)}  ${problem}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`fuzz failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
