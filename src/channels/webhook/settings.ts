import { ConfigError, type EnvReader } from '../../env.js';

/** The JSON webhook's settings. */
export interface WebhookSettings {
  /** When set, requests must be signed (X-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>). */
  secret: string | null;
}

/** WEBHOOK_SECRET: when set, at least 16 characters. The webhook is always on. */
export function readWebhookSettings(env: EnvReader): WebhookSettings {
  const secret = env.text('WEBHOOK_SECRET');
  if (secret !== null && secret.length < 16) {
    throw new ConfigError('WEBHOOK_SECRET', 'must be at least 16 characters (or empty to accept unsigned requests)');
  }
  return { secret };
}
