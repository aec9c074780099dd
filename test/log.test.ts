import { describe, expect, it } from 'vitest';
import { createLogger, withLogContext } from '../src/log.js';

describe('createLogger (pino)', () => {
  it('writes one JSON line a call: level, ISO time, the context (request id), the fields, message', () => {
    const lines: string[] = [];
    const logger = createLogger('info', (line) => lines.push(line));
    withLogContext({ requestId: 'req-1' }, () => logger.warn('slow turn', { ms: 12 }));
    logger.debug('not at info');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toEqual({
      level: 'warn',
      time: expect.any(String),
      requestId: 'req-1',
      ms: 12,
      message: 'slow turn',
    });
    expect(new Date(entry.time).toISOString()).toBe(entry.time);
  });

  it('censors a field named like a secret, should one ever be passed, and says nothing at silent', () => {
    const lines: string[] = [];
    createLogger('debug', (line) => lines.push(line)).error('oops', { token: 'xoxb-1', nested: { secret: 's' } });
    expect(lines[0]).not.toMatch(/xoxb-1|"s"/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ token: '[redacted]', nested: { secret: '[redacted]' } });
    const quiet: string[] = [];
    createLogger('silent', (line) => quiet.push(line)).error('nothing');
    expect(quiet).toEqual([]);
  });

  it("keeps one call's fields to its own line: none leaks into the request's later lines", () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger('debug', (line) => lines.push(JSON.parse(line)));
    withLogContext({ requestId: 'r-1' }, () => {
      logger.warn('first', { limit: 'conversation' });
      logger.error('second', { path: '/api/webhook' });
    });
    expect(lines[1]).toMatchObject({ requestId: 'r-1', path: '/api/webhook', message: 'second' });
    expect(lines[1]).not.toHaveProperty('limit');
  });
});
