/**
 * A fast sample of the route fuzzing (`npm run fuzz` runs thousands of cases per route): every public
 * route gets malformed, hostile and validly signed requests, and every answer must keep the invariants of
 * check.ts; the cases the fuzzer once found breaking them (targets.ts, knownCases) are replayed every time. On failure
 * fast-check shrinks the case and prints the smallest one it found, with the seed to replay it
 * (FUZZ_SEED=<seed> npx vitest run test/fuzz; FUZZ_RUNS=<n> for more cases).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkResponse, Watchdog } from '../../tools/fuzz/check.js';
import {
  type FuzzCase,
  type FuzzTarget,
  knownCases,
  ROUTE_PATHS,
  ROUTES,
  routeArbitraries,
  SECRETS,
  startTarget,
} from '../../tools/fuzz/targets.js';

/** Cases per route: enough to meet every kind of generator a few times, few enough for a few seconds. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

let target: FuzzTarget;
let watchdog: Watchdog;

beforeAll(async () => {
  target = await startTarget();
  watchdog = new Watchdog(Object.values(SECRETS), () => target.logs.drain());
});

afterAll(async () => {
  watchdog?.stop();
  await target?.close();
});

/** Sends `c` and fails with the broken invariants, the answer and what the server logged about it. */
async function expectInvariants(c: FuzzCase): Promise<void> {
  const response = await target.send(c);
  const problems = [...checkResponse(c, response), ...watchdog.take()];
  if (problems.length === 0) return;
  const body = response.body.subarray(0, 300).toString('utf8');
  const logged = target.logs
    .problemsOf(response.headers['x-request-id'])
    .map((line) => `\nlogged: ${line.slice(0, 400)}`);
  throw new Error(`${problems.join('\n')}\nanswer: ${response.status} ${JSON.stringify(body)}${logged.join('')}`);
}

describe('cases the fuzzer found', () => {
  // Built from the URL of the fake connector, which exists once beforeAll has run; the names are fixed.
  const names = knownCases('http://127.0.0.1:9');
  for (const route of ROUTES) {
    names[route].forEach((named, i) => {
      it(`${ROUTE_PATHS[route]}: ${named.kind.replace(/^known:/, '')}`, async () => {
        await expectInvariants(knownCases(target.fakeUrl)[route][i]!);
      });
    });
  }
});

describe('every public route, fuzzed', () => {
  for (const route of ROUTES) {
    it(`${ROUTE_PATHS[route]} answers 2xx or a JSON 4xx, leaks nothing, pollutes nothing`, async () => {
      const arbitrary = routeArbitraries(target.fakeUrl)[route];
      await fc.assert(fc.asyncProperty(arbitrary, expectInvariants), { numRuns: RUNS, seed: SEED });
    }, 120_000);
  }

  it('leaves the server healthy, with nothing failing late and no secret logged', async () => {
    // Slack and LINE answers are sent after the response; give them a moment to finish or fail.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const response = await fetch(`${target.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(watchdog.take()).toEqual([]);
  });
});
