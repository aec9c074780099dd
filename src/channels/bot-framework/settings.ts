import { ConfigError, type EnvReader } from '../../env.js';
import type { BotFrameworkAuthOptions } from './auth.js';

/** Bot Framework settings under the SDK's own variable names. An empty `appId` means local testing (Emulator). */
export interface BotFrameworkSettings {
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  appId: string;
  appPassword: string;
  tenantId: string;
  /**
   * Timeouts and OpenID metadata endpoints of authentication; not read from the environment: the defaults are
   * the production ones, and tests point them at fakes.
   */
  auth?: BotFrameworkAuthOptions;
}

const APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;

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
  return { appType, appId, appPassword, tenantId };
}
