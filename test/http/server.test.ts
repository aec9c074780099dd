import type { Server } from 'node:http';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../src/http/server.js';

let server: Server;
let port: number;

beforeAll(async () => {
  const app = express();
  app.get('/', (_req, res) => {
    res.send('ok');
  });
  server = await listen(app, 0, {
    timeouts: { headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 200 },
  });
  port = (server.address() as AddressInfo).port;
});

afterAll(() => {
  server?.close();
});

/** Opens a socket, runs `talk` on it, and resolves with what the server sent and whether it closed the socket. */
function connect(talk: (socket: net.Socket) => void): Promise<{ received: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    let received = '';
    const socket = net.connect(port, '127.0.0.1', () => talk(socket));
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('close', () => resolve({ received, closedAfterMs: Date.now() - started }));
    socket.on('error', () => undefined);
    // Safety net: a server that never closes fails the test through the expectation, not a hang.
    setTimeout(() => socket.destroy(), 5000).unref();
  });
}

describe('listen', () => {
  it('drops a client that never finishes its headers', async () => {
    const { received, closedAfterMs } = await connect((s) => s.write('GET / HTTP/1.1\r\nHost: x\r\n'));
    expect(closedAfterMs).toBeLessThan(4000);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('drops a client that sends its body too slowly', async () => {
    const { closedAfterMs } = await connect((s) => {
      s.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n');
      const drip = setInterval(() => (s.writable ? s.write('a') : clearInterval(drip)), 100);
      s.on('close', () => clearInterval(drip));
    });
    expect(closedAfterMs).toBeLessThan(4000);
  });

  it('closes an idle keep-alive connection', async () => {
    const { received, closedAfterMs } = await connect((s) => s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(received).toMatch(/^HTTP\/1\.1 200/);
    expect(closedAfterMs).toBeLessThan(4000);
  });
});

describe('listen: connection limits', () => {
  let limited: Server;
  let limitedPort: number;

  beforeAll(async () => {
    const app = express();
    app.get('/', (_req, res) => {
      res.send('ok');
    });
    limited = await listen(app, 0, { connections: { total: 20, perAddress: 5 } });
    limitedPort = (limited.address() as AddressInfo).port;
  });

  afterAll(() => {
    limited?.closeAllConnections();
    limited?.close();
  });

  /** An idle socket from `from` (a loopback address), resolved once connected; `closed` says if the server shut it. */
  function idle(from: string): Promise<{ socket: net.Socket; closed: Promise<boolean> }> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port: limitedPort, host: '127.0.0.1', localAddress: from });
      const closed = new Promise<boolean>((done) => {
        socket.on('close', () => done(true));
        setTimeout(() => done(false), 1000).unref();
      });
      socket.on('error', () => undefined);
      socket.once('connect', () => resolve({ socket, closed }));
      socket.once('error', reject);
    });
  }

  const get = (from: string) =>
    new Promise<number>((resolve) => {
      const req = http.get(
        { port: limitedPort, host: '127.0.0.1', localAddress: from, path: '/', agent: false },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', () => resolve(0));
    });

  it('closes connections one address opens past its limit, and still answers everyone else', async () => {
    const sockets = await Promise.all(Array.from({ length: 8 }, () => idle('127.0.0.3')));
    const closed = await Promise.all(sockets.map((s) => s.closed));
    expect(closed.filter(Boolean)).toHaveLength(3);
    // Another client is answered while the first holds all it may.
    expect(await get('127.0.0.4')).toBe(200);
    for (const { socket } of sockets) socket.destroy();
  });

  it('closes connections past the total, whoever opens them', async () => {
    const sockets = (
      await Promise.all(
        Array.from({ length: 5 }, (_, a) => Promise.all(Array.from({ length: 5 }, () => idle(`127.0.1.${a + 1}`)))),
      )
    ).flat();
    const closed = await Promise.all(sockets.map((s) => s.closed));
    expect(closed.filter(Boolean)).toHaveLength(5);
    for (const { socket } of sockets) socket.destroy();
  });
});
