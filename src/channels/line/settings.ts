import type { EnvReader } from '../../env.js';
import { readSignedApiSettings, type SignedApiSettings } from '../platform-api.js';

/** The channel secret (`secret`), the channel access token and the Messaging API (default https://api.line.me). */
export type LineSettings = SignedApiSettings;

/** LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN together turn LINE on; LINE_API_URL defaults to LINE's own. */
export function readLineSettings(env: EnvReader): LineSettings | null {
  const names = { secret: 'LINE_CHANNEL_SECRET', token: 'LINE_CHANNEL_ACCESS_TOKEN', url: 'LINE_API_URL' };
  return readSignedApiSettings(env, 'LINE', names, 'https://api.line.me');
}
