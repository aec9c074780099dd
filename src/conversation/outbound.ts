/** How long a call to a platform API may take before it is abandoned. */
export const OUTBOUND_TIMEOUT_MS = 5000;

/** A platform API call that failed; the message carries the platform's own error, never the token. */
export class OutboundError extends Error {
  constructor(
    readonly url: string,
    readonly status: number | null,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OutboundError';
  }
}

/** A platform's Web API, which the bot posts answers to (Slack's chat.postMessage, LINE's reply API). */
export interface PlatformApi {
  /** Base URL, without a trailing slash (https://slack.com/api). */
  url: string;
  /** The bearer token every call carries; never logged. */
  token: string;
  /** How long a call may take (default {@link OUTBOUND_TIMEOUT_MS}); not from the environment (tests shorten it). */
  timeoutMs?: number;
}

/** The answer of a platform API: HTTP status and the parsed JSON body (null when it was not JSON). */
export interface OutboundResponse {
  status: number;
  body: unknown;
}

/**
 * POSTs `body` as JSON to `url` with a bearer token, giving up after `timeoutMs`. Resolves with any HTTP
 * answer (the caller reads the platform's own error shape); rejects with {@link OutboundError} only when
 * no answer came (network error or timeout).
 */
export async function postJson(
  url: string,
  body: unknown,
  bearerToken: string,
  timeoutMs = OUTBOUND_TIMEOUT_MS,
): Promise<OutboundResponse> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${bearerToken}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (cause) {
    const reason =
      cause instanceof Error && cause.name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : describeCause(cause);
    throw new OutboundError(url, null, `POST ${url} failed: ${reason}`, { cause });
  }
  const text = await response.text().catch(() => '');
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  return { status: response.status, body: parsed };
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = (cause as { cause?: unknown }).cause;
  return inner instanceof Error ? `${cause.message} (${inner.message})` : cause.message;
}
