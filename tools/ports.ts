import { createServer } from 'node:net';

/**
 * A TCP port that was free a moment ago, for a server that must be told its port before it starts (the bench's
 * servers, redis-server). Asked of any address, as the servers listen: a port free there is free on loopback too.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
