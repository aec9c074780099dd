import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, PROJECT_ROOT, readConfig } from '../src/config.js';

/** Expects readConfig(env) to throw a ConfigError for `variable`, its message starting with the variable name. */
function expectConfigError(env: Record<string, string | undefined>, variable: string): ConfigError {
  let thrown: unknown;
  try {
    readConfig(env);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ConfigError);
  const error = thrown as ConfigError;
  expect(error.variable).toBe(variable);
  expect(error.message.startsWith(`${variable}: `)).toBe(true);
  return error;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('readConfig', () => {
  it('uses the defaults for an empty environment', () => {
    const config = readConfig({});
    expect(config.port).toBe(3978);
    expect(config.logLevel).toBe('info');
    expect(config.webhookSecret).toBeNull();
    expect(path.isAbsolute(config.stateFile)).toBe(true);
    expect(config.stateFile.endsWith(path.join('var', 'conversations.json'))).toBe(true);
    expect(config.stateFile).toBe(path.join(PROJECT_ROOT, 'var', 'conversations.json'));
    expect(Object.keys(config).sort()).toEqual(['logLevel', 'port', 'stateFile', 'webhookSecret']);
  });

  it('treats empty and blank variables as unset (as .env.example leaves them)', () => {
    const config = readConfig({ PORT: '', LOG_LEVEL: '  ', WEBHOOK_SECRET: '', STATE_FILE: '' });
    expect(config).toEqual(readConfig({}));
  });

  it('reads valid values', () => {
    const config = readConfig({
      PORT: '8080',
      LOG_LEVEL: 'DEBUG',
      WEBHOOK_SECRET: 'a-test-secret-of-some-length',
      STATE_FILE: '/srv/bot/state.json',
    });
    expect(config).toEqual({
      port: 8080,
      logLevel: 'debug',
      webhookSecret: 'a-test-secret-of-some-length',
      stateFile: '/srv/bot/state.json',
    });
    expect(readConfig({ PORT: '0' }).port).toBe(0);
    expect(readConfig({ PORT: '65535' }).port).toBe(65535);
    expect(readConfig({ LOG_LEVEL: 'silent' }).logLevel).toBe('silent');
    expect(readConfig({ WEBHOOK_SECRET: '0123456789abcdef' }).webhookSecret).toBe('0123456789abcdef');
  });

  it.each(['abc', '70000', '65536', '-1', '3978.5', '1e3', '0x50', '80 80'])('rejects PORT=%s', (port) => {
    const error = expectConfigError({ PORT: port }, 'PORT');
    expect(error.message).toContain(JSON.stringify(port));
  });

  it.each(['loud', 'verbose', 'trace'])('rejects LOG_LEVEL=%s', (level) => {
    const error = expectConfigError({ LOG_LEVEL: level }, 'LOG_LEVEL');
    expect(error.message).toMatch(/debug, info, warn, error, silent/);
  });

  it.each(['short', '0123456789abcde'])('rejects WEBHOOK_SECRET=%s (under 16 characters)', (secret) => {
    const error = expectConfigError({ WEBHOOK_SECRET: secret }, 'WEBHOOK_SECRET');
    expect(error.message).not.toContain(secret);
  });

  it('resolves a relative STATE_FILE against the current directory', () => {
    expect(readConfig({ STATE_FILE: 'tmp/state.json' }).stateFile).toBe(path.join(process.cwd(), 'tmp', 'state.json'));
    vi.spyOn(process, 'cwd').mockReturnValue('/somewhere/else');
    expect(readConfig({ STATE_FILE: 'tmp/state.json' }).stateFile).toBe('/somewhere/else/tmp/state.json');
    expect(readConfig({ STATE_FILE: '../state.json' }).stateFile).toBe('/somewhere/state.json');
  });

  it('reads process.env when called without an argument', () => {
    vi.stubEnv('PORT', '4321');
    vi.stubEnv('LOG_LEVEL', 'warn');
    vi.stubEnv('WEBHOOK_SECRET', '');
    vi.stubEnv('STATE_FILE', '');
    try {
      expect(readConfig()).toEqual({ ...readConfig({}), port: 4321, logLevel: 'warn' });
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
