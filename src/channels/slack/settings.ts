import type { EnvReader } from '../../env.js';
import { readSignedApiSettings, type SignedApiSettings } from '../platform-api.js';

/** The signing secret (`secret`), the bot token and the Web API (default https://slack.com/api). */
export type SlackSettings = SignedApiSettings;

/** SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN together turn Slack on; SLACK_API_URL defaults to Slack's own. */
export function readSlackSettings(env: EnvReader): SlackSettings | null {
  const names = { secret: 'SLACK_SIGNING_SECRET', token: 'SLACK_BOT_TOKEN', url: 'SLACK_API_URL' };
  return readSignedApiSettings(env, 'Slack', names, 'https://slack.com/api');
}
