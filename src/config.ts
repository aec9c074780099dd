import path from 'node:path';
import { LOG_LEVELS, type LogLevel } from './log.js';

/** Bot Framework settings under the SDK's own variable names. An empty `appId` means local testing (Emulator). */
export interface BotFrameworkSettings {
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  appId: string;
  appPassword: string;
  tenantId: string;
}

export interface TelegramSettings {
  /** The `secret_token` given to setWebhook; every update must carry it in X-Telegram-Bot-Api-Secret-Token. */
  secretToken: string;
}

export interface SlackSettings {
  signingSecret: string;
  botToken: string;
  /** Base URL of the Web API, without a trailing slash (https://slack.com/api). */
  apiUrl: string;
}

export interface WechatSettings {
  token: string;
  /** Both set: safe mode (AES) is available; both null: plaintext mode only. */
  appId: string | null;
  encodingAesKey: string | null;
}

export interface LineSettings {
  channelSecret: string;
  accessToken: string;
  /** Base URL of the Messaging API, without a trailing slash (https://api.line.me). */
  apiUrl: string;
}

/** The channels besides the JSON webhook. A platform is mounted only when its settings are present (not null). */
export interface ChannelSettings {
  botFramework: BotFrameworkSettings;
  telegram: TelegramSettings | null;
  slack: SlackSettings | null;
  wechat: WechatSettings | null;
  line: LineSettings | null;
}

/** Settings read once from the environment at start-up (see .env.example). */
export interface Config extends ChannelSettings {
  port: number;
  /** Conversation store file (lowdb JSON); a relative STATE_FILE is taken from the current directory. */
  stateFile: string;
  logLevel: LogLevel;
  /** When set, POST /api/webhook requires an X-Signature-256 HMAC of the body keyed with this secret. */
  webhookSecret: string | null;
  /** Requests per minute per client address and per conversation; 0 turns a limit off. */
  rateLimits: { perAddress: number; perConversation: number };
  /** A conversation idle this long is forgotten. */
  conversationTtlMs: number;
  /** Express's `trust proxy`: false, or how many reverse proxies stand in front (so client addresses are right). */
  trustProxy: number | false;
}

/** A configuration value that cannot be used; the message names the variable and how to fix it. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** Where the project lives: data/ and intents/ are found relative to it. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

/** Channel settings with every platform off and the Bot Framework route open to the Emulator. */
export const NO_CHANNELS: ChannelSettings = {
  botFramework: { appType: 'MultiTenant', appId: '', appPassword: '', tenantId: '' },
  telegram: null,
  slack: null,
  wechat: null,
  line: null,
};

type Env = Record<string, string | undefined>;

/** Reads and validates the configuration from `env`; throws a {@link ConfigError} naming the bad variable. */
export function readConfig(env: Env = process.env): Config {
  const value = valueReader(env);

  const portText = value('PORT') ?? '3978';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new ConfigError('PORT', `must be a port number from 0 to 65535, got ${JSON.stringify(portText)}`);
  }

  const logLevel = (value('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`);
  }

  const webhookSecret = value('WEBHOOK_SECRET');
  if (webhookSecret !== null && webhookSecret.length < 16) {
    throw new ConfigError('WEBHOOK_SECRET', 'must be at least 16 characters (or empty to accept unsigned requests)');
  }

  return {
    port,
    rateLimits: {
      perAddress: count(value, 'RATE_LIMIT_PER_ADDRESS', DEFAULT_RATE_LIMITS.perAddress),
      perConversation: count(value, 'RATE_LIMIT_PER_CONVERSATION', DEFAULT_RATE_LIMITS.perConversation),
    },
    conversationTtlMs: hours(value, 'CONVERSATION_TTL_HOURS', 24),
    trustProxy: count(value, 'TRUST_PROXY', 0) || false,
    stateFile: path.resolve(value('STATE_FILE') ?? path.join(PROJECT_ROOT, 'var', 'conversations.json')),
    logLevel: logLevel as LogLevel,
    webhookSecret,
    botFramework: readBotFramework(value),
    telegram: readTelegram(value),
    slack: readSlack(value),
    wechat: readWechat(value),
    line: readLine(value),
  };
}

type Value = (name: string) => string | null;

/** Generous enough that no person chatting meets them; they are there to slow floods. */
export const DEFAULT_RATE_LIMITS = { perAddress: 600, perConversation: 60 };

function count(value: Value, name: string, fallback: number): number {
  const text = value(name);
  if (text === null) return fallback;
  if (!/^\d{1,9}$/.test(text))
    throw new ConfigError(name, `must be a whole number (0 for none), got ${JSON.stringify(text)}`);
  return Number(text);
}

function hours(value: Value, name: string, fallback: number): number {
  const text = value(name);
  const n = text === null ? fallback : Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 24 * 366 || (text !== null && !/^\d+(\.\d+)?$/.test(text))) {
    throw new ConfigError(name, `must be a number of hours above 0 and at most a year, got ${JSON.stringify(text)}`);
  }
  return Math.round(n * 3_600_000);
}

function valueReader(env: Env): Value {
  return (name) => {
    const v = env[name]?.trim();
    return v ? v : null;
  };
}

/** The variables of a platform go together: once any is set, each of `required` must be. */
function requireTogether(value: Value, platform: string, required: string[], optional: string[] = []): boolean {
  const given = [...required, ...optional].filter((name) => value(name) !== null);
  if (given.length === 0) return false;
  const missing = required.find((name) => value(name) === null);
  if (missing) {
    throw new ConfigError(
      missing,
      `is required for ${platform} because ${given.join(', ')} is set (or unset ${given.join(', ')} to turn ${platform} off)`,
    );
  }
  return true;
}

function apiUrl(value: Value, name: string, fallback: string): string {
  const url = value(name) ?? fallback;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(name, `must be an http(s) URL, got ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ConfigError(name, `must be an http(s) URL, got ${JSON.stringify(url)}`);
  }
  return url.replace(/\/+$/, '');
}

const APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;

function readBotFramework(value: Value): BotFrameworkSettings {
  const typeText = value('MicrosoftAppType') ?? 'MultiTenant';
  const appType = APP_TYPES.find((t) => t.toLowerCase() === typeText.toLowerCase());
  if (!appType) {
    throw new ConfigError(
      'MicrosoftAppType',
      `must be one of ${APP_TYPES.join(', ')}, got ${JSON.stringify(typeText)}`,
    );
  }
  const appId = value('MicrosoftAppId') ?? '';
  const appPassword = value('MicrosoftAppPassword') ?? '';
  const tenantId = value('MicrosoftAppTenantId') ?? '';
  if (appId === '' && appPassword !== '') {
    throw new ConfigError(
      'MicrosoftAppId',
      'is required when MicrosoftAppPassword is set (leave both empty for the Emulator)',
    );
  }
  if (appType === 'UserAssignedMSI' && appPassword !== '') {
    throw new ConfigError(
      'MicrosoftAppPassword',
      'must be empty when MicrosoftAppType is UserAssignedMSI (a managed identity has no password)',
    );
  }
  if (appId !== '' && appPassword === '' && appType !== 'UserAssignedMSI') {
    throw new ConfigError(
      'MicrosoftAppPassword',
      `is required when MicrosoftAppId is set and MicrosoftAppType is ${appType}`,
    );
  }
  if (appId !== '' && appType !== 'MultiTenant' && tenantId === '') {
    throw new ConfigError('MicrosoftAppTenantId', `is required when MicrosoftAppType is ${appType}`);
  }
  return { appType, appId, appPassword, tenantId };
}

function readTelegram(value: Value): TelegramSettings | null {
  const secretToken = value('TELEGRAM_SECRET_TOKEN');
  if (secretToken === null) return null;
  if (!/^[A-Za-z0-9_-]{16,256}$/.test(secretToken)) {
    throw new ConfigError(
      'TELEGRAM_SECRET_TOKEN',
      'must be 16 to 256 characters of A-Z, a-z, 0-9, _ and - (Telegram allows only these)',
    );
  }
  return { secretToken };
}

function readSlack(value: Value): SlackSettings | null {
  if (!requireTogether(value, 'Slack', ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN'], ['SLACK_API_URL'])) return null;
  return {
    signingSecret: value('SLACK_SIGNING_SECRET')!,
    botToken: value('SLACK_BOT_TOKEN')!,
    apiUrl: apiUrl(value, 'SLACK_API_URL', 'https://slack.com/api'),
  };
}

function readWechat(value: Value): WechatSettings | null {
  if (!requireTogether(value, 'WeChat', ['WECHAT_TOKEN'], ['WECHAT_APP_ID', 'WECHAT_ENCODING_AES_KEY'])) return null;
  const token = value('WECHAT_TOKEN')!;
  if (!/^[A-Za-z0-9]{3,32}$/.test(token)) {
    throw new ConfigError(
      'WECHAT_TOKEN',
      'must be 3 to 32 letters or digits, as the Official Account settings require',
    );
  }
  const appId = value('WECHAT_APP_ID');
  const encodingAesKey = value('WECHAT_ENCODING_AES_KEY');
  if (encodingAesKey !== null && !/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) {
    throw new ConfigError(
      'WECHAT_ENCODING_AES_KEY',
      'must be the 43-character EncodingAESKey from the Official Account settings',
    );
  }
  if (encodingAesKey !== null && appId === null) {
    throw new ConfigError('WECHAT_APP_ID', 'is required with WECHAT_ENCODING_AES_KEY (safe mode needs both)');
  }
  if (appId !== null && encodingAesKey === null) {
    throw new ConfigError(
      'WECHAT_ENCODING_AES_KEY',
      'is required with WECHAT_APP_ID (safe mode needs both; unset WECHAT_APP_ID for plaintext mode)',
    );
  }
  return { token, appId, encodingAesKey };
}

function readLine(value: Value): LineSettings | null {
  if (!requireTogether(value, 'LINE', ['LINE_CHANNEL_SECRET', 'LINE_CHANNEL_ACCESS_TOKEN'], ['LINE_API_URL']))
    return null;
  return {
    channelSecret: value('LINE_CHANNEL_SECRET')!,
    accessToken: value('LINE_CHANNEL_ACCESS_TOKEN')!,
    apiUrl: apiUrl(value, 'LINE_API_URL', 'https://api.line.me'),
  };
}
