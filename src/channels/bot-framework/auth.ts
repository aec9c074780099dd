import {
  type Activity,
  CallerIdConstants,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
} from 'botbuilder';
import {
  type AuthenticateRequestResult,
  AuthenticationConstants,
  AuthenticationError,
  BotFrameworkAuthentication,
  type BotFrameworkClient,
  type ClaimsIdentity,
  ConnectorClient,
  type ConnectorClientOptions,
  ConnectorFactory,
  type ServiceClientCredentialsFactory,
  type UserTokenClient,
} from 'botframework-connector';
import type { BotFrameworkSettings } from './settings.js';

/** How long verifying a token may wait for Bot Framework's OpenID metadata (the SDK itself never gives up). */
export const AUTH_TIMEOUT_MS = 5000;
/**
 * How long delivering one reply to `serviceUrl` may take, the connector client's retries included: a normal
 * send takes well under a second, and this leaves room for one or two retries of a passing failure. Left
 * alone, the client retries a refused connection three times (3.5 to 7 s of back-off) and waits for an
 * unanswered one forever, all while the channel's request waits.
 */
export const REPLY_TIMEOUT_MS = 3000;

/** Limits and endpoints of the Bot Framework authentication; every field has a production default. */
export interface BotFrameworkAuthOptions {
  /** Bound on token verification, OpenID metadata download included (default {@link AUTH_TIMEOUT_MS}). */
  authTimeoutMs?: number;
  /** Bound on each reply sent to `serviceUrl`, retries included (default {@link REPLY_TIMEOUT_MS}). */
  replyTimeoutMs?: number;
  /** OpenID metadata document for tokens from Bot Framework channels (default: the public cloud's). */
  channelOpenIdMetadataUrl?: string;
  /** OpenID metadata document for tokens from the Emulator and skills (default: the public cloud's). */
  emulatorOpenIdMetadataUrl?: string;
}

/**
 * A request whose token could not be accepted: `status` 401 when it is missing or invalid, 503 when it
 * could not be checked in time (the OpenID metadata did not arrive). The message never contains the token.
 */
export class BotAuthError extends Error {
  constructor(
    readonly status: 401 | 503,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BotAuthError';
  }
}

/**
 * Bot Framework authentication for the public Azure cloud, configured from the SDK's own variables
 * (`MicrosoftAppType`, `MicrosoftAppId`, `MicrosoftAppPassword`, `MicrosoftAppTenantId`) through
 * `ConfigurationBotFrameworkAuthentication`. With an empty app id, authentication is off (the Emulator).
 *
 * Two bounds are added to the SDK's behaviour: token verification rejects with {@link BotAuthError} after
 * `authTimeoutMs` (the SDK downloads OpenID metadata with node-fetch and no timeout), and each call to the
 * connector at `serviceUrl` is aborted after `replyTimeoutMs`, retries included (the connector client retries
 * a refused connection three times with exponential back-off and waits on an unanswered one forever).
 * Every other error of token verification becomes a {@link BotAuthError} too.
 */
export function createBotFrameworkAuthentication(
  settings: BotFrameworkSettings,
  options: BotFrameworkAuthOptions = settings.auth ?? {},
): BotFrameworkAuthentication {
  const emulator = settings.appId === '';
  const credentialSettings = {
    // The type matters only with an app id; without one the SDK would still insist on an MSI tenant.
    MicrosoftAppType: emulator ? 'MultiTenant' : settings.appType,
    MicrosoftAppId: settings.appId,
    MicrosoftAppPassword: settings.appPassword,
    MicrosoftAppTenantId: settings.tenantId,
  };
  const credentials = new ConfigurationServiceClientCredentialFactory(credentialSettings);
  // The public cloud's values, spelled out: the SDK takes any one of them as a sign that all are given.
  const cloud: Cloud = {
    ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
    ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
    OAuthUrl: AuthenticationConstants.OAuthUrl,
    ToBotFromChannelOpenIdMetadataUrl:
      options.channelOpenIdMetadataUrl ?? AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl:
      options.emulatorOpenIdMetadataUrl ?? AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
    CallerId: CallerIdConstants.PublicAzureChannel,
    ValidateAuthority: true,
  };
  const inner = new ConfigurationBotFrameworkAuthentication({ ...credentialSettings, ...cloud }, credentials);
  return new BoundedAuthentication(inner, credentials, cloud, {
    authTimeoutMs: options.authTimeoutMs ?? AUTH_TIMEOUT_MS,
    replyTimeoutMs: options.replyTimeoutMs ?? REPLY_TIMEOUT_MS,
  });
}

interface Cloud {
  ToChannelFromBotLoginUrl: string;
  ToChannelFromBotOAuthScope: string;
  ToBotFromChannelTokenIssuer: string;
  OAuthUrl: string;
  ToBotFromChannelOpenIdMetadataUrl: string;
  ToBotFromEmulatorOpenIdMetadataUrl: string;
  CallerId: string;
  ValidateAuthority: boolean;
}

interface Limits {
  authTimeoutMs: number;
  replyTimeoutMs: number;
}

/** Delegates to the SDK's authentication, bounding token verification and the connector's calls. */
class BoundedAuthentication extends BotFrameworkAuthentication {
  /** Connector clients by app id, service URL and audience, shared by the turns that reply through them. */
  private readonly connectors = new SharedClients<ConnectorClient>();
  /** User token clients by app id (this bot's own, and none for the Emulator: a few at most). */
  private readonly userTokenClients = new SharedClients<UserTokenClient>();

  constructor(
    private readonly inner: BotFrameworkAuthentication,
    private readonly credentials: ServiceClientCredentialsFactory,
    private readonly cloud: Cloud,
    private readonly limits: Limits,
  ) {
    super();
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.verify(this.inner.authenticateRequest(activity, authHeader));
    return { ...result, connectorFactory: this.createConnectorFactory(result.claimsIdentity) };
  }

  override authenticateStreamingRequest(
    authHeader: string,
    channelIdHeader: string,
  ): Promise<AuthenticateRequestResult> {
    return this.verify(this.inner.authenticateStreamingRequest(authHeader, channelIdHeader));
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.verify(this.inner.authenticateChannelRequest(authHeader));
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return new BoundedConnectorFactory(
      appIdOf(claimsIdentity),
      this.cloud,
      this.credentials,
      this.limits.replyTimeoutMs,
      this.connectors,
    );
  }

  /**
   * The SDK makes a user token client for every activity, though this bot asks for no user's token: making it
   * (another HTTP pipeline) was 7% of the server's CPU per `/api/messages` turn. One per app id serves them all.
   */
  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.userTokenClients.get(appIdOf(claimsIdentity), () => this.inner.createUserTokenClient(claimsIdentity));
  }

  override createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  private async verify<T>(verification: Promise<T>): Promise<T> {
    const ms = this.limits.authTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const message = `The token could not be verified: Bot Framework's OpenID metadata did not arrive within ${ms} ms.`;
        reject(new BotAuthError(503, message));
      }, ms);
    });
    try {
      // The SDK's download carries on after the timeout and settles into the race, which ignores it.
      return await Promise.race([verification, timeout]);
    } catch (error) {
      throw asAuthError(error);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** 503 for "could not check now" (metadata unavailable), 401 for everything else: an unverified token is refused. */
function asAuthError(error: unknown): BotAuthError {
  if (error instanceof BotAuthError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const unavailable =
    (error instanceof AuthenticationError && error.statusCode >= 500) ||
    // node-fetch's error when the metadata host cannot be reached at all.
    (error instanceof Error && error.name === 'FetchError');
  if (unavailable) return new BotAuthError(503, `The token could not be verified now: ${message}`, { cause: error });
  return new BotAuthError(401, `The token was not accepted: ${message}`, { cause: error });
}

type PolicyFactory = Extract<NonNullable<ConnectorClientOptions['requestPolicyFactories']>, unknown[]>[number];

/** The bot's app id a turn's claims name: for channel tokens the audience; the Emulator's carry it as appid. */
function appIdOf(claimsIdentity: ClaimsIdentity): string {
  return (
    claimsIdentity.getClaimValue(AuthenticationConstants.AudienceClaim) ??
    claimsIdentity.getClaimValue(AuthenticationConstants.AppIdClaim) ??
    ''
  );
}

/** Connector clients kept at most: a bot talks to a handful of service URLs (one per channel and region). */
export const MAX_CONNECTORS = 64;

/**
 * Clients made once per key and shared by the turns after, the {@link MAX_CONNECTORS} most recently used kept. A
 * client that could not be made is not kept: the next turn tries again.
 */
class SharedClients<T> {
  private readonly clients = new Map<string, Promise<T>>();

  get(key: string, make: () => Promise<T>): Promise<T> {
    let client = this.clients.get(key);
    if (client) {
      // Most recently used last: the first in the map is the one to drop.
      this.clients.delete(key);
    } else {
      const made = make();
      made.catch(() => {
        if (this.clients.get(key) === made) this.clients.delete(key);
      });
      client = made;
    }
    this.clients.set(key, client);
    if (this.clients.size > MAX_CONNECTORS) this.clients.delete(this.clients.keys().next().value!);
    return client;
  }
}

/**
 * Builds connector clients as the SDK's own factory does (credentials for the bot's app id, the
 * `serviceUrl` as base URI, `Accept: *` + `/*`), adding a deadline to every call. The SDK builds one for every
 * activity, expectReplies included: making its HTTP pipeline was about 8% of the server's CPU per
 * `/api/messages` turn. Here one client serves every turn with the same app id, service URL and audience (a
 * client keeps no state of a turn; its credentials renew their own token), the most recently used
 * {@link MAX_CONNECTORS} kept.
 */
class BoundedConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly appId: string,
    private readonly cloud: Cloud,
    private readonly credentials: ServiceClientCredentialsFactory,
    private readonly timeoutMs: number,
    private readonly clients: SharedClients<ConnectorClient>,
  ) {
    super();
  }

  override create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    const scope = audience ?? this.cloud.ToChannelFromBotOAuthScope;
    return this.clients.get(JSON.stringify([this.appId, serviceUrl, scope]), () => this.build(serviceUrl, scope));
  }

  private async build(serviceUrl: string, scope: string): Promise<ConnectorClient> {
    const credentials = await this.credentials.createCredentials(
      this.appId,
      scope,
      this.cloud.ToChannelFromBotLoginUrl,
      this.cloud.ValidateAuthority,
    );
    return new ConnectorClient(credentials, {
      baseUri: serviceUrl,
      requestPolicyFactories: [deadline(this.timeoutMs)],
    });
  }
}

/**
 * A policy that runs before the pipeline's retry policy: the abort signal it sets is checked by the retry
 * policy after each attempt and cuts its back-off delay short, and it aborts an attempt still waiting for
 * an answer. A signal the caller set is left alone.
 */
function deadline(timeoutMs: number): PolicyFactory {
  return {
    create: (next) => ({
      sendRequest: (request) => {
        request.abortSignal ??= AbortSignal.timeout(timeoutMs);
        if (!request.headers.contains('accept')) request.headers.set('accept', '*/*');
        return next.sendRequest(request);
      },
    }),
  };
}
