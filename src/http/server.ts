import { createServer, type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Express } from 'express';

/**
 * How long a client may take, so slow or idle sockets cannot be held open to exhaust the server: the
 * headers within 10 s, the whole request within 30 s, and an idle keep-alive connection is closed after 5 s.
 */
export const SERVER_TIMEOUTS = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000 };

/**
 * How many connections the server holds open at once, in all and from one client address: more are closed as
 * they arrive, so slow or idle sockets from one place cannot use up the process's file descriptors and lock
 * everyone else out. Behind a reverse proxy every connection comes from the proxy: leave `perAddress` off there.
 */
export const CONNECTION_LIMITS = { total: 1000, perAddress: 100 };

export interface ListenOptions {
  /** The address to listen on; every interface when absent. */
  host?: string;
  timeouts?: typeof SERVER_TIMEOUTS;
  /** {@link CONNECTION_LIMITS}; `perAddress: 0` counts no address. */
  connections?: { total: number; perAddress: number };
}

/**
 * Starts `app` on `port` with {@link SERVER_TIMEOUTS} and {@link CONNECTION_LIMITS} (or those `options` give);
 * resolves with the listening server.
 */
export function listen(app: Express, port: number, options: ListenOptions = {}): Promise<Server> {
  const timeouts = options.timeouts ?? SERVER_TIMEOUTS;
  const limits = options.connections ?? CONNECTION_LIMITS;
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
  server.on('clientError', answerClientError);
  // Node closes a connection over maxConnections as soon as it is accepted.
  server.maxConnections = limits.total;
  if (limits.perAddress > 0) limitPerAddress(server, limits.perAddress);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, options.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** Closes a new connection from an address that already holds `max` open ones. */
function limitPerAddress(server: Server, max: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = open.get(address) ?? 0;
    if (count >= max) {
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}

/**
 * A request Node rejects before Express sees it (headers over 16 KiB, a timeout, bytes that are not HTTP)
 * gets the same JSON error shape as every other refusal, instead of Node's bare status line.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // A response already begun on this socket (the error is in bytes after a request) cannot be followed by another.
  const current = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (!socket.writable || current?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'The request line and headers must be under 16 KiB together.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'The request took too long to arrive.']
        : [400, 'bad_request', 'The request is not valid HTTP.'];
  const body = JSON.stringify({ error: { code, message } });
  // An answer to HEAD has no body, and a client reads one as garbage; the bytes Node could not parse say the method.
  const raw = (error as { rawPacket?: Buffer }).rawPacket;
  const head = raw !== undefined && raw.subarray(0, 5).toString('latin1') === 'HEAD ';
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${head ? '' : body}`,
  );
}
