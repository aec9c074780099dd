import { ConfigError, type EnvReader } from '../../env.js';

export interface WechatSettings {
  token: string;
  /** Both set: safe mode (AES) is available; both null: plaintext mode only. */
  appId: string | null;
  encodingAesKey: string | null;
}

/**
 * WECHAT_TOKEN turns WeChat on (plaintext mode); WECHAT_APP_ID and WECHAT_ENCODING_AES_KEY together add safe
 * mode. Each is checked against the form the Official Account settings give it.
 */
export function readWechatSettings(env: EnvReader): WechatSettings | null {
  if (!env.together('WeChat', ['WECHAT_TOKEN'], ['WECHAT_APP_ID', 'WECHAT_ENCODING_AES_KEY'])) return null;
  const token = env.text('WECHAT_TOKEN')!;
  if (!/^[A-Za-z0-9]{3,32}$/.test(token)) {
    throw new ConfigError(
      'WECHAT_TOKEN',
      'must be 3 to 32 letters or digits, as the Official Account settings require',
    );
  }
  const appId = env.text('WECHAT_APP_ID');
  const encodingAesKey = env.text('WECHAT_ENCODING_AES_KEY');
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
