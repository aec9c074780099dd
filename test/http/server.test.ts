import type { Server } from 'node:http';
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
  server = await listen(app, 0, { headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 200 });
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
