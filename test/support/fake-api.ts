import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, vi } from 'vitest';

/** One request a {@link FakeApi} received. */
export interface ApiCall<Body = Record<string, any>> {
  method: string;
  /** The request path and query, percent-decoded (a Bot Framework conversation id may contain "|"). */
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The JSON body, parsed; null when it was empty or not JSON. */
  body: Body;
}

/** What a {@link FakeApi} answers a call with: a status and a JSON body, or `'hang'` for no answer at all. */
export type FakeAnswer = { status: number; body: unknown } | 'hang';

/**
 * A stand-in for a platform's API (LINE, Slack, a Bot Framework connector) on 127.0.0.1: it records every
 * request in `calls` and answers as `respond` says, which a test may swap.
 */
export class FakeApi<Body = Record<string, any>> {
  readonly calls: ApiCall<Body>[] = [];

  private constructor(
    private readonly server: http.Server,
    /** `http://127.0.0.1:<port>`, with no trailing slash. */
    readonly url: string,
    public respond: (call: ApiCall<Body>) => FakeAnswer,
  ) {}

  /** Starts a fake answering with `respond` until it is changed. */
  static async start<Body = Record<string, any>>(respond: (call: ApiCall<Body>) => FakeAnswer): Promise<FakeApi<Body>> {
    let fake: FakeApi<Body> | undefined;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const call: ApiCall<Body> = {
          method: req.method ?? '',
          path: decodeURIComponent(req.url ?? ''),
          headers: req.headers,
          body: parseOrNull(Buffer.concat(chunks).toString('utf8')) as Body,
        };
        fake!.calls.push(call);
        const answer = fake!.respond(call);
        if (answer === 'hang') return;
        res
          .writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' })
          .end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new FakeApi(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, respond);
    return fake;
  }

  /** Resolves with all calls once there are at least `count`; fails after `timeoutMs`. */
  async waitForCalls(count: number, timeoutMs = 3000): Promise<ApiCall<Body>[]> {
    await vi.waitFor(() => expect(this.calls.length).toBeGreaterThanOrEqual(count), {
      timeout: timeoutMs,
      interval: 5,
    });
    return this.calls;
  }

  /** Resolves with the first call `matches` accepts, once it has come; fails after `timeoutMs`. */
  async waitForCall(matches: (call: ApiCall<Body>) => boolean, timeoutMs = 3000): Promise<ApiCall<Body>> {
    return vi.waitFor(
      () => {
        const call = this.calls.find(matches);
        if (!call) throw new Error(`no matching call among ${this.calls.length} within ${timeoutMs} ms`);
        return call;
      },
      { timeout: timeoutMs, interval: 5 },
    );
  }

  /** Stops listening; a call left hanging is cut off. */
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A port on 127.0.0.1 where nothing listens, so a connection to it is refused. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
