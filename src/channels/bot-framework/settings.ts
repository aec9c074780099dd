import { ConfigError, type EnvReader } from '../../env.js';
import type { BotFrameworkAuthOptions } from './auth.js';

/** Bot Framework settings under the SDK's own variable names. An empty `appId` means local testing (Emulator). */
export interface BotFrameworkSettings {
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  appId: string;
  appPassword: string;
  tenantId: string;
  /**
   * Without an app id, the origins replies may be sent to besides this machine's (BOT_FRAMEWORK_SERVICE_URLS):
   * nothing checks who sent an activity then, so its serviceUrl must not make the bot post anywhere.
   */
  allowedServiceUrls?: string[];
  /**
   * Timeouts and OpenID metadata endpoints of authentication; not read from the environment: the defaults are
   * the production ones, and tests point them at fakes.
   */
  auth?: BotFrameworkAuthOptions;
}

const APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;

/** Whether replies may be sent to `serviceUrl` by a bot without an app id: this machine, or an origin listed. */
export function serviceUrlAllowed(serviceUrl: string, settings: BotFrameworkSettings): boolean {
  if (settings.appId !== '') return true;
  const url = new URL(serviceUrl);
  const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(url.hostname);
  return loopback || (settings.allowedServiceUrls ?? []).includes(url.origin);
}

/**
 * The four variables under the SDK's own names. An empty MicrosoftAppId means local testing with the Emulator;
 * with one, the password (or a managed identity) and, for single-tenant apps, the tenant are required.
 */
export function readBotFrameworkSettings(env: EnvReader): BotFrameworkSettings {
  const typeText = env.text('MicrosoftAppType') ?? 'MultiTenant';
  const appType = APP_TYPES.find((t) => t.toLowerCase() === typeText.toLowerCase());
  if (!appType) {
    throw new ConfigError(
      'MicrosoftAppType',
      `must be one of ${APP_TYPES.join(', ')}, got ${JSON.stringify(typeText)}`,
    );
  }
  const appId = env.text('MicrosoftAppId') ?? '';
  const appPassword = env.text('MicrosoftAppPassword') ?? '';
  const tenantId = env.text('MicrosoftAppTenantId') ?? '';
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
  const allowedServiceUrls = (env.text('BOT_FRAMEWORK_SERVICE_URLS') ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean)
    .map((u) => {
      let url: URL;
      try {
        url = new URL(u);
      } catch {
        throw new ConfigError(
          'BOT_FRAMEWORK_SERVICE_URLS',
          `must list http(s) URLs separated by commas, got ${JSON.stringify(u)}`,
        );
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new ConfigError('BOT_FRAMEWORK_SERVICE_URLS', `must list http(s) URLs, got ${JSON.stringify(u)}`);
      return url.origin;
    });
  if (appId !== '' && allowedServiceUrls.length > 0) {
    throw new ConfigError(
      'BOT_FRAMEWORK_SERVICE_URLS',
      'applies only without MicrosoftAppId (with one, the token says where replies go); leave it empty',
    );
  }
  return { appType, appId, appPassword, tenantId, allowedServiceUrls };
}
