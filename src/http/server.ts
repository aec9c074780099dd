import { createServer, type Server } from 'node:http';
import type { Express } from 'express';

/**
 * How long a client may take, so slow or idle sockets cannot be held open to exhaust the server: the
 * headers within 10 s, the whole request within 30 s, and an idle keep-alive connection is closed after 5 s.
 */
export const SERVER_TIMEOUTS = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000 };

/** Starts `app` on `port` with {@link SERVER_TIMEOUTS} (or `timeouts`); resolves with the listening server. */
export function listen(app: Express, port: number, timeouts = SERVER_TIMEOUTS): Promise<Server> {
  const server = createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      keepAliveTimeout: timeouts.keepAliveTimeoutMs,
      // How often Node enforces the two request timeouts; its default of 30 s would let a slow client overstay.
      connectionsCheckingInterval: Math.min(1000, timeouts.headersTimeoutMs),
    },
    app,
  );
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
