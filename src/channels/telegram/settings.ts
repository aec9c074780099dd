import { ConfigError, type EnvReader } from '../../env.js';

export interface TelegramSettings {
  /** The `secret_token` given to setWebhook; every update must carry it in X-Telegram-Bot-Api-Secret-Token. */
  secretToken: string;
}

/** TELEGRAM_SECRET_TOKEN, the `secret_token` given to setWebhook: unset, the channel is off. */
export function readTelegramSettings(env: EnvReader): TelegramSettings | null {
  const secretToken = env.text('TELEGRAM_SECRET_TOKEN');
  if (secretToken === null) return null;
  if (!/^[A-Za-z0-9_-]{16,256}$/.test(secretToken)) {
    throw new ConfigError(
      'TELEGRAM_SECRET_TOKEN',
      'must be 16 to 256 characters of A-Z, a-z, 0-9, _ and - (Telegram allows only these)',
    );
  }
  return { secretToken };
}
