import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../http/constant-time.js';
import { HttpError } from '../../http/errors.js';

/** Requests whose X-Slack-Request-Timestamp is further than this from now are refused (replay protection). */
export const SLACK_MAX_CLOCK_SKEW_S = 300;

/** The X-Slack-Signature value for a request: `v0=` + hex HMAC-SHA256(secret, `v0:{timestamp}:{body}`). */
export function signSlackRequest(signingSecret: string, timestamp: string, body: string | Buffer): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(body);
  return `v0=${hmac.digest('hex')}`;
}

/**
 * Checks a request's signature (constant time) and that its timestamp is within
 * {@link SLACK_MAX_CLOCK_SKEW_S} of `nowMs`; throws a 401 {@link HttpError} saying which check failed.
 */
export function verifySlackRequest(
  signingSecret: string,
  timestamp: string | undefined,
  signature: string | undefined,
  body: Buffer,
  nowMs: number,
): void {
  if (timestamp === undefined || signature === undefined) {
    throw new HttpError(
      401,
      'missing_signature',
      'Slack requests carry X-Slack-Request-Timestamp and X-Slack-Signature headers.',
    );
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new HttpError(
      401,
      'invalid_timestamp',
      'X-Slack-Request-Timestamp must be the request time in Unix seconds.',
    );
  }
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SLACK_MAX_CLOCK_SKEW_S) {
    throw new HttpError(
      401,
      'stale_request',
      'X-Slack-Request-Timestamp is more than 5 minutes from now (check the server clock).',
    );
  }
  if (!constantTimeEqual(signature, signSlackRequest(signingSecret, timestamp, body))) {
    throw new HttpError(
      401,
      'invalid_signature',
      'X-Slack-Signature does not match the body (check SLACK_SIGNING_SECRET).',
    );
  }
}
