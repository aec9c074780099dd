import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../../http/constant-time.js';

/**
 * The WeChat signature: hex SHA-1 of the parts sorted and joined. With (token, timestamp, nonce) it is the
 * `signature` query parameter of every request; with the `<Encrypt>` value added it is safe mode's
 * `msg_signature`.
 */
export function wechatSignature(...parts: string[]): string {
  // Plain code-unit order, as WeChat sorts; localeCompare would reorder digits and letters differently.
  const sorted = [...parts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha1').update(sorted.join('')).digest('hex');
}

/** True when `given` is the signature of `parts`; compared in constant time, case-insensitively. */
export function checkWechatSignature(given: string | undefined, ...parts: string[]): boolean {
  return constantTimeEqual(given?.toLowerCase(), wechatSignature(...parts));
}

/** A safe-mode message that cannot be decrypted, or was encrypted for another app id. */
export class WechatCryptoError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WechatCryptoError';
  }
}

/** WeChat pads to 32-byte blocks, not AES's 16, so Node's own PKCS#7 padding cannot be used. */
const PAD_BLOCK = 32;
const RANDOM_PREFIX = 16;
const LENGTH_FIELD = 4;

/**
 * Safe mode's message encryption (AES-256-CBC, key = base64(EncodingAESKey + "="), IV = first 16 key
 * bytes). The plaintext is 16 random bytes, the message length as 4 bytes big-endian, the message and
 * the app id, padded PKCS#7-style to a multiple of 32 bytes.
 */
export class WechatCipher {
  private readonly key: Buffer;
  private readonly iv: Buffer;
  private readonly appIdBytes: Buffer;

  /**
   * `encodingAesKey` is the 43-character EncodingAESKey; `random` gives the 16-byte prefix (injectable
   * so tests can reproduce published ciphertexts). Throws a {@link WechatCryptoError} for a malformed key.
   */
  constructor(
    encodingAesKey: string,
    readonly appId: string,
    private readonly random: (size: number) => Buffer = randomBytes,
  ) {
    if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) {
      throw new WechatCryptoError('the EncodingAESKey must be 43 characters of A-Z, a-z, 0-9, + and /');
    }
    this.key = Buffer.from(`${encodingAesKey}=`, 'base64');
    this.iv = this.key.subarray(0, 16);
    this.appIdBytes = Buffer.from(appId, 'utf8');
  }

  /** Encrypts `message` (an XML reply) for this app id; returns the base64 text for `<Encrypt>`. */
  encrypt(message: string): string {
    const body = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(LENGTH_FIELD);
    length.writeUInt32BE(body.length);
    const prefix = this.random(RANDOM_PREFIX);
    if (prefix.length !== RANDOM_PREFIX)
      throw new WechatCryptoError(`the random prefix must be ${RANDOM_PREFIX} bytes`);
    const plain = Buffer.concat([prefix, length, body, this.appIdBytes]);
    const padLength = PAD_BLOCK - (plain.length % PAD_BLOCK);
    const padded = Buffer.concat([plain, Buffer.alloc(padLength, padLength)]);
    const cipher = createCipheriv('aes-256-cbc', this.key, this.iv).setAutoPadding(false);
    return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
  }

  /**
   * Decrypts an `<Encrypt>` value and returns the message inside. Throws a {@link WechatCryptoError} when
   * the text is not a well-formed ciphertext or names another app id.
   */
  decrypt(encrypted: string): string {
    // Buffer.from ignores characters outside base64, so check the text first.
    const data = /^[A-Za-z0-9+/]+={0,2}$/.test(encrypted) ? Buffer.from(encrypted, 'base64') : Buffer.alloc(0);
    if (data.length === 0 || data.length % 16 !== 0) {
      throw new WechatCryptoError('the encrypted message is not base64 of whole AES blocks');
    }
    let padded: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-cbc', this.key, this.iv).setAutoPadding(false);
      padded = Buffer.concat([decipher.update(data), decipher.final()]);
    } catch (cause) {
      throw new WechatCryptoError('the encrypted message could not be decrypted', { cause });
    }
    const padLength = padded[padded.length - 1]!;
    const padOk = padLength >= 1 && padLength <= PAD_BLOCK && padLength <= padded.length;
    if (!padOk || !padded.subarray(padded.length - padLength).every((b) => b === padLength)) {
      // A wrong key shows up here: the padding of garbage is almost never valid.
      throw new WechatCryptoError('the decrypted message has invalid padding (wrong EncodingAESKey?)');
    }
    const plain = padded.subarray(0, padded.length - padLength);
    if (plain.length < RANDOM_PREFIX + LENGTH_FIELD) throw new WechatCryptoError('the decrypted message is too short');
    const messageLength = plain.readUInt32BE(RANDOM_PREFIX);
    const messageStart = RANDOM_PREFIX + LENGTH_FIELD;
    if (messageStart + messageLength > plain.length) {
      throw new WechatCryptoError('the decrypted message length field is larger than the message');
    }
    const appId = plain.subarray(messageStart + messageLength);
    if (!appId.equals(this.appIdBytes)) {
      throw new WechatCryptoError('the message was encrypted for another app id (check WECHAT_APP_ID)');
    }
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(
        plain.subarray(messageStart, messageStart + messageLength),
      );
    } catch (cause) {
      throw new WechatCryptoError('the decrypted message is not UTF-8', { cause });
    }
  }
}
