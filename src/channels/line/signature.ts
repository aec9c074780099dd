import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../http/constant-time.js';

/** The `x-line-signature` value LINE sends with `body`: base64 HMAC-SHA256 keyed with the channel secret. */
export function signLineBody(body: string | Buffer, channelSecret: string): string {
  return createHmac('sha256', channelSecret).update(body).digest('base64');
}

/** Whether `signature` is `body`'s signature under `channelSecret`, compared in constant time. */
export function verifyLineSignature(body: Buffer, signature: string | undefined, channelSecret: string): boolean {
  return constantTimeEqual(signature, signLineBody(body, channelSecret));
}
