/** HTTP load with autocannon on loopback. */
import autocannon from 'autocannon';

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
}

/** What one load run measured. */
export interface LoadResult {
  /** 2xx responses per second. */
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  /** Responses other than 2xx, and connection errors and timeouts. */
  failed: number;
}

/**
 * POSTs JSON to `url` + `path` from `connections` connections for `durationSeconds`; each request's body is
 * the next `body()`. localhost is replaced by 127.0.0.1 so the client never waits on name resolution.
 */
export async function load(url: string, path: string, body: () => string, options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: url.replace('//localhost:', '//127.0.0.1:'),
    connections: options.connections,
    duration: options.durationSeconds,
    requests: [
      {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: body() }),
      },
    ],
  });
  const ok = result['2xx'];
  return {
    throughput: ok / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

/** Cycles through `items` forever. */
export function cycle<T>(items: readonly T[]): () => T {
  if (items.length === 0) throw new Error('cycle: no items');
  let i = 0;
  return () => {
    const item = items[i]!;
    i = (i + 1) % items.length;
    return item;
  };
}
