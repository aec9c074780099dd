import type { PlatformApi } from '../conversation/outbound.js';
import type { EnvReader } from '../env.js';

/**
 * Settings of a platform that signs the requests it sends with a secret and takes the bot's answers through
 * its Web API, as Slack and LINE do.
 */
export interface SignedApiSettings {
  /** Verifies that a request comes from the platform (Slack's signing secret, LINE's channel secret). */
  secret: string;
  api: PlatformApi;
}

/** The variables of such a platform: the secret, the API's bearer token and the API's base URL. */
export interface SignedApiVariables {
  secret: string;
  token: string;
  url: string;
}

/**
 * Reads a signed-API platform's settings: the secret and the token together turn it on (null when neither is
 * set, a ConfigError naming the missing one when only one is), and the URL defaults to the platform's own.
 */
export function readSignedApiSettings(
  env: EnvReader,
  platform: string,
  names: SignedApiVariables,
  defaultUrl: string,
): SignedApiSettings | null {
  if (!env.together(platform, [names.secret, names.token], [names.url])) return null;
  return {
    secret: env.text(names.secret)!,
    api: { url: env.httpUrl(names.url, defaultUrl), token: env.text(names.token)! },
  };
}
