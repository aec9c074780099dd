import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHANNELS, describeChannels, readChannelSettings } from '../../src/channels/index.js';
import { PROJECT_ROOT, readConfig } from '../../src/config.js';
import type { Env } from '../../src/env.js';
import { expectConfigError as expectError, variablesRead } from '../support/config.js';

const expectConfigError = (env: Env, variable: string) => expectError(readChannelSettings, env, variable);

describe('the channel registry', () => {
  it('lists each channel once, under a name of its own', () => {
    const names = CHANNELS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(['webhook', 'botFramework', 'telegram', 'slack', 'wechat', 'line', 'web']);
  });

  it('reads every channel from an empty environment: webhook, Bot Framework (Emulator) and web page on, platforms off', () => {
    expect(readChannelSettings({})).toEqual({
      webhook: { secret: null },
      botFramework: { appType: 'MultiTenant', appId: '', appPassword: '', tenantId: '', allowedServiceUrls: [] },
      telegram: null,
      slack: null,
      wechat: null,
      line: null,
      web: {},
    });
  });

  it('treats empty and blank variables as unset (as .env.example leaves them)', () => {
    const blank = Object.fromEntries([...variablesRead(readChannelSettings)].map((name) => [name, ' ']));
    expect(readChannelSettings(blank)).toEqual(readChannelSettings({}));
  });

  it('.env.example lists exactly the variables the server and its channels read', () => {
    const example = fs.readFileSync(path.join(PROJECT_ROOT, '.env.example'), 'utf8');
    const listed = [...example.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((m) => m[1]);
    const read = new Set([...variablesRead(readConfig), ...variablesRead(readChannelSettings)]);
    expect(new Set(listed)).toEqual(read);
    expect(listed).toHaveLength(read.size);
  });

  it('describes the channels that are on for the start-up log, without their secrets', () => {
    const settings = readChannelSettings({
      WEBHOOK_SECRET: 'a-webhook-secret-of-some-length',
      TELEGRAM_SECRET_TOKEN: 'telegram-secret-token-1',
    });
    const described = describeChannels(settings);
    expect(described).toEqual({
      webhook: { signed: true },
      botFramework: { authenticated: false },
      telegram: {},
      web: {},
    });
    expect(JSON.stringify(described)).not.toMatch(/a-webhook-secret|telegram-secret/);
  });
});

describe('readChannelSettings: the JSON webhook', () => {
  it('takes a WEBHOOK_SECRET of 16 characters or more', () => {
    expect(readChannelSettings({ WEBHOOK_SECRET: '0123456789abcdef' }).webhook).toEqual({ secret: '0123456789abcdef' });
  });

  it.each(['short', '0123456789abcde'])('rejects WEBHOOK_SECRET=%s (under 16 characters)', (secret) => {
    const error = expectConfigError({ WEBHOOK_SECRET: secret }, 'WEBHOOK_SECRET');
    expect(error.message).not.toContain(secret);
  });
});

describe('readChannelSettings: Bot Framework', () => {
  const creds = { MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'pw' };

  it('reads the four variables under their SDK names', () => {
    const settings = readChannelSettings({
      ...creds,
      MicrosoftAppType: 'singletenant',
      MicrosoftAppTenantId: 'tenant-1',
    });
    expect(settings.botFramework).toEqual({
      appType: 'SingleTenant',
      appId: creds.MicrosoftAppId,
      appPassword: 'pw',
      tenantId: 'tenant-1',
      allowedServiceUrls: [],
    });
  });

  it('reads BOT_FRAMEWORK_SERVICE_URLS as origins, only without an app id', () => {
    const settings = readChannelSettings({
      BOT_FRAMEWORK_SERVICE_URLS: 'http://10.0.0.5:5000/api, https://emulator.example',
    });
    expect(settings.botFramework?.allowedServiceUrls).toEqual(['http://10.0.0.5:5000', 'https://emulator.example']);
    expect(() => readChannelSettings({ BOT_FRAMEWORK_SERVICE_URLS: 'ftp://x' })).toThrow(/BOT_FRAMEWORK_SERVICE_URLS/);
    expect(() =>
      readChannelSettings({ ...creds, MicrosoftAppPassword: 'pw', BOT_FRAMEWORK_SERVICE_URLS: 'http://10.0.0.5' }),
    ).toThrow(/only without MicrosoftAppId/);
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
    expect(readChannelSettings(env).botFramework?.appPassword).toBe('');
  });
});

describe('readChannelSettings: platforms', () => {
  it('mounts a platform only when its variables are set, with the real API addresses by default', () => {
    const settings = readChannelSettings({
      TELEGRAM_SECRET_TOKEN: 'telegram-secret-token-1',
      SLACK_SIGNING_SECRET: 's',
      SLACK_BOT_TOKEN: 'xoxb-1',
      WECHAT_TOKEN: 'AAAAA',
      LINE_CHANNEL_SECRET: 'l',
      LINE_CHANNEL_ACCESS_TOKEN: 't',
    });
    expect(settings.telegram).toEqual({ secretToken: 'telegram-secret-token-1' });
    expect(settings.slack).toEqual({ secret: 's', api: { url: 'https://slack.com/api', token: 'xoxb-1' } });
    expect(settings.wechat).toEqual({ token: 'AAAAA', appId: null, encodingAesKey: null });
    expect(settings.line).toEqual({ secret: 'l', api: { url: 'https://api.line.me', token: 't' } });
  });

  it('takes API addresses without a trailing slash', () => {
    const env = { SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'b', SLACK_API_URL: 'http://127.0.0.1:9/api/' };
    expect(readChannelSettings(env).slack?.api.url).toBe('http://127.0.0.1:9/api');
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
