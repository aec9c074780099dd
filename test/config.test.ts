import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readChannelSettings } from '../src/channels/index.js';
import { DEFAULT_RATE_LIMITS, PROJECT_ROOT, REDIS_DEFAULTS, readConfig } from '../src/config.js';
import type { Env } from '../src/env.js';
import { misspeltVariables } from '../src/env.js';
import { CONNECTION_LIMITS } from '../src/http/server.js';
import { expectConfigError as expectError } from './support/config.js';

const expectConfigError = (env: Env, variable: string) => expectError(readConfig, env, variable);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('readConfig', () => {
  it('uses the defaults for an empty environment', () => {
    const config = readConfig({});
    expect(config.port).toBe(3978);
    expect(config.logLevel).toBe('info');
    expect(path.isAbsolute(config.stateFile)).toBe(true);
    expect(config.stateFile.endsWith(path.join('var', 'conversations.json'))).toBe(true);
    expect(config.stateFile).toBe(path.join(PROJECT_ROOT, 'var', 'conversations.json'));
    expect(config.articleDir).toBe(PROJECT_ROOT);
  });

  it('treats empty and blank variables as unset (as .env.example leaves them)', () => {
    const config = readConfig({ PORT: '', LOG_LEVEL: '  ', STATE_FILE: '', ARTICLE_DIR: ' ' });
    expect(config).toEqual(readConfig({}));
  });

  it('reads valid values', () => {
    const config = readConfig({
      PORT: '8080',
      LOG_LEVEL: 'DEBUG',
      STATE_FILE: '/srv/bot/state.json',
      ARTICLE_DIR: '/srv/articles/solar',
    });
    expect(config).toEqual({
      port: 8080,
      logLevel: 'debug',
      stateFile: '/srv/bot/state.json',
      articleDir: '/srv/articles/solar',
      rateLimits: DEFAULT_RATE_LIMITS,
      conversationTtlMs: 24 * 3_600_000,
      trustProxy: false,
      connections: CONNECTION_LIMITS,
      metricsToken: null,
      unansweredFile: path.join(PROJECT_ROOT, 'var', 'unanswered.json'),
      logFormat: 'auto',
      redis: null,
    });
    expect(readConfig({ LOG_FORMAT: 'JSON' }).logFormat).toBe('json');
    expect(() => readConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/);
    expect(readConfig({ RECORD_UNANSWERED: '0' }).unansweredFile).toBeNull();
    expect(() => readConfig({ RECORD_UNANSWERED: 'yes' })).toThrow(/RECORD_UNANSWERED/);
    expect(readConfig({ PORT: '0' }).port).toBe(0);
    expect(readConfig({ PORT: '65535' }).port).toBe(65535);
    expect(readConfig({ LOG_LEVEL: 'silent' }).logLevel).toBe('silent');
  });

  it.each(['abc', '70000', '65536', '-1', '3978.5', '1e3', '0x50', '80 80'])('rejects PORT=%s', (port) => {
    const error = expectConfigError({ PORT: port }, 'PORT');
    expect(error.message).toContain(JSON.stringify(port));
  });

  it('limits open connections in all and per address, per address off behind a proxy unless set', () => {
    expect(readConfig({}).connections).toEqual(CONNECTION_LIMITS);
    expect(readConfig({ MAX_CONNECTIONS: '50', MAX_CONNECTIONS_PER_ADDRESS: '5' }).connections).toEqual({
      total: 50,
      perAddress: 5,
    });
    expect(readConfig({ TRUST_PROXY: '1' }).connections.perAddress).toBe(0);
    expect(readConfig({ TRUST_PROXY: '1', MAX_CONNECTIONS_PER_ADDRESS: '20' }).connections.perAddress).toBe(20);
    expectConfigError({ MAX_CONNECTIONS: '0' }, 'MAX_CONNECTIONS');
  });

  it('listens on every interface unless HOST names one', () => {
    expect(readConfig({}).host).toBeUndefined();
    expect(readConfig({ HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
    expect(readConfig({ HOST: '::1' }).host).toBe('::1');
    expect(expectConfigError({ HOST: 'http://localhost' }, 'HOST').message).toContain('127.0.0.1');
  });

  it.each(['loud', 'verbose', 'trace'])('rejects LOG_LEVEL=%s', (level) => {
    const error = expectConfigError({ LOG_LEVEL: level }, 'LOG_LEVEL');
    expect(error.message).toMatch(/debug, info, warn, error, silent/);
  });

  it('resolves a relative STATE_FILE and ARTICLE_DIR against the current directory', () => {
    expect(readConfig({ STATE_FILE: 'tmp/state.json' }).stateFile).toBe(path.join(process.cwd(), 'tmp', 'state.json'));
    vi.spyOn(process, 'cwd').mockReturnValue('/somewhere/else');
    expect(readConfig({ STATE_FILE: 'tmp/state.json' }).stateFile).toBe('/somewhere/else/tmp/state.json');
    expect(readConfig({ STATE_FILE: '../state.json' }).stateFile).toBe('/somewhere/state.json');
    expect(readConfig({ ARTICLE_DIR: 'articles/solar' }).articleDir).toBe('/somewhere/else/articles/solar');
  });

  it('reads process.env when called without an argument', () => {
    vi.stubEnv('PORT', '4321');
    vi.stubEnv('LOG_LEVEL', 'warn');
    vi.stubEnv('STATE_FILE', '');
    vi.stubEnv('ARTICLE_DIR', '');
    try {
      expect(readConfig()).toEqual({ ...readConfig({}), port: 4321, logLevel: 'warn' });
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('readConfig: limits', () => {
  it('reads rate limits, the conversation lifetime and proxies', () => {
    const config = readConfig({
      RATE_LIMIT_PER_ADDRESS: '0',
      RATE_LIMIT_PER_CONVERSATION: '5',
      CONVERSATION_TTL_HOURS: '0.5',
      TRUST_PROXY: '1',
    });
    expect(config.rateLimits).toEqual({ perAddress: 0, perConversation: 5 });
    expect(config.conversationTtlMs).toBe(30 * 60_000);
    expect(config.trustProxy).toBe(1);
  });

  it.each([
    [{ RATE_LIMIT_PER_ADDRESS: '-1' }, 'RATE_LIMIT_PER_ADDRESS'],
    [{ RATE_LIMIT_PER_CONVERSATION: 'lots' }, 'RATE_LIMIT_PER_CONVERSATION'],
    [{ CONVERSATION_TTL_HOURS: '0' }, 'CONVERSATION_TTL_HOURS'],
    [{ CONVERSATION_TTL_HOURS: '1e3' }, 'CONVERSATION_TTL_HOURS'],
    [{ CONVERSATION_TTL_HOURS: '100000' }, 'CONVERSATION_TTL_HOURS'],
    [{ TRUST_PROXY: 'yes' }, 'TRUST_PROXY'],
  ])('rejects %j naming %s', (env, variable) => {
    expectConfigError(env, variable);
  });
});

describe('readConfig: Redis', () => {
  it('keeps state in STATE_FILE without REDIS_URL, and in Redis with it, with bounded timeouts', () => {
    expect(readConfig({}).redis).toBeNull();
    expect(readConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redis).toEqual({
      url: 'redis://127.0.0.1:6379',
      ...REDIS_DEFAULTS,
    });
    expect(
      readConfig({
        REDIS_URL: 'rediss://bot:pw@cache.internal:6380/2',
        REDIS_PREFIX: 'bot-b:',
        REDIS_CONNECT_TIMEOUT_MS: '500',
        REDIS_COMMAND_TIMEOUT_MS: '250',
        REDIS_LOCK_MS: '1000',
        REDIS_LOCK_WAIT_MS: '3000',
      }).redis,
    ).toEqual({
      url: 'rediss://bot:pw@cache.internal:6380/2',
      prefix: 'bot-b:',
      connectTimeoutMs: 500,
      commandTimeoutMs: 250,
      lockMs: 1000,
      lockWaitMs: 3000,
    });
  });

  it('refuses a URL that is not redis:// or rediss://, never echoing it, and a wait no longer than the lock', () => {
    expect(expectConfigError({ REDIS_URL: 'http://user:secret@host' }, 'REDIS_URL').message).not.toContain('secret');
    expect(expectConfigError({ REDIS_URL: 'not a url secret' }, 'REDIS_URL').message).not.toContain('secret');
    expectConfigError({ REDIS_URL: 'redis://h', REDIS_COMMAND_TIMEOUT_MS: '0' }, 'REDIS_COMMAND_TIMEOUT_MS');
    expectConfigError({ REDIS_URL: 'redis://h', REDIS_LOCK_MS: '5000' }, 'REDIS_LOCK_WAIT_MS');
  });
});

describe('misspeltVariables', () => {
  it('names a variable that shares a known prefix but is not read, with the known name nearest to it', () => {
    readConfig({});
    readChannelSettings({});
    expect(
      misspeltVariables({
        RATE_LIMIT_PER_ADRESS: '5',
        MicrosoftAppPasword: 'x',
        PATH: '/usr/bin',
        RATE_LIMIT_PER_ADDRESS: '5',
      }),
    ).toEqual([
      { name: 'RATE_LIMIT_PER_ADRESS', meant: 'RATE_LIMIT_PER_ADDRESS' },
      { name: 'MicrosoftAppPasword', meant: 'MicrosoftAppPassword' },
    ]);
  });
});
