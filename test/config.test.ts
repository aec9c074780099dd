import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, DEFAULT_RATE_LIMITS, NO_CHANNELS, PROJECT_ROOT, readConfig } from '../src/config.js';

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
    expect(config).toMatchObject(NO_CHANNELS);
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
      rateLimits: DEFAULT_RATE_LIMITS,
      conversationTtlMs: 24 * 3_600_000,
      trustProxy: false,
      ...NO_CHANNELS,
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

describe('readConfig: Bot Framework', () => {
  const creds = { MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'pw' };

  it('reads the four variables under their SDK names', () => {
    const config = readConfig({ ...creds, MicrosoftAppType: 'singletenant', MicrosoftAppTenantId: 'tenant-1' });
    expect(config.botFramework).toEqual({
      appType: 'SingleTenant',
      appId: creds.MicrosoftAppId,
      appPassword: 'pw',
      tenantId: 'tenant-1',
    });
  });

  it.each([
    [{ MicrosoftAppType: 'Global' }, 'MicrosoftAppType'],
    [{ MicrosoftAppPassword: 'pw' }, 'MicrosoftAppId'],
    [{ MicrosoftAppId: creds.MicrosoftAppId }, 'MicrosoftAppPassword'],
    [{ ...creds, MicrosoftAppType: 'SingleTenant' }, 'MicrosoftAppTenantId'],
    [{ ...creds, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: 't' }, 'MicrosoftAppPassword'],
  ])('rejects %j naming %s', (env, variable) => {
    expectConfigError(env, variable);
  });

  it('allows a managed identity without a password', () => {
    const env = { MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppId: 'id', MicrosoftAppTenantId: 't' };
    expect(readConfig(env).botFramework.appPassword).toBe('');
  });
});

describe('readConfig: platforms', () => {
  it('mounts a platform only when its variables are set, with the real API addresses by default', () => {
    const config = readConfig({
      TELEGRAM_SECRET_TOKEN: 'telegram-secret-token-1',
      SLACK_SIGNING_SECRET: 's',
      SLACK_BOT_TOKEN: 'xoxb-1',
      WECHAT_TOKEN: 'AAAAA',
      LINE_CHANNEL_SECRET: 'l',
      LINE_CHANNEL_ACCESS_TOKEN: 't',
    });
    expect(config.telegram).toEqual({ secretToken: 'telegram-secret-token-1' });
    expect(config.slack).toEqual({ signingSecret: 's', botToken: 'xoxb-1', apiUrl: 'https://slack.com/api' });
    expect(config.wechat).toEqual({ token: 'AAAAA', appId: null, encodingAesKey: null });
    expect(config.line).toEqual({ channelSecret: 'l', accessToken: 't', apiUrl: 'https://api.line.me' });
  });

  it('takes API addresses without a trailing slash', () => {
    const env = { SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'b', SLACK_API_URL: 'http://127.0.0.1:9/api/' };
    expect(readConfig(env).slack?.apiUrl).toBe('http://127.0.0.1:9/api');
  });

  it.each([
    [{ SLACK_SIGNING_SECRET: 's' }, 'SLACK_BOT_TOKEN'],
    [{ SLACK_BOT_TOKEN: 'b' }, 'SLACK_SIGNING_SECRET'],
    [{ SLACK_API_URL: 'http://127.0.0.1:1' }, 'SLACK_SIGNING_SECRET'],
    [{ SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'b', SLACK_API_URL: 'ftp://x' }, 'SLACK_API_URL'],
    [{ LINE_CHANNEL_SECRET: 's' }, 'LINE_CHANNEL_ACCESS_TOKEN'],
    [{ LINE_CHANNEL_ACCESS_TOKEN: 't' }, 'LINE_CHANNEL_SECRET'],
    [{ LINE_CHANNEL_SECRET: 's', LINE_CHANNEL_ACCESS_TOKEN: 't', LINE_API_URL: 'not a url' }, 'LINE_API_URL'],
    [{ WECHAT_APP_ID: 'wx1' }, 'WECHAT_TOKEN'],
    [{ WECHAT_TOKEN: 'a b' }, 'WECHAT_TOKEN'],
    [{ WECHAT_TOKEN: 'AAAAA', WECHAT_ENCODING_AES_KEY: 'x'.repeat(43) }, 'WECHAT_APP_ID'],
    [{ WECHAT_TOKEN: 'AAAAA', WECHAT_APP_ID: 'wx1' }, 'WECHAT_ENCODING_AES_KEY'],
    [{ WECHAT_TOKEN: 'AAAAA', WECHAT_APP_ID: 'wx1', WECHAT_ENCODING_AES_KEY: 'short' }, 'WECHAT_ENCODING_AES_KEY'],
    [{ TELEGRAM_SECRET_TOKEN: 'has spaces in it, sadly' }, 'TELEGRAM_SECRET_TOKEN'],
  ])('rejects %j naming %s', (env, variable) => {
    expectConfigError(env, variable);
  });

  it('never puts a secret value in the error message', () => {
    const error = expectConfigError({ SLACK_SIGNING_SECRET: 'very-secret-value' }, 'SLACK_BOT_TOKEN');
    expect(error.message).not.toContain('very-secret-value');
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
