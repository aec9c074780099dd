import { describe, expect, it } from 'vitest';
import {
  checkWechatSignature,
  WechatCipher,
  WechatCryptoError,
  wechatSignature,
} from '../../../src/channels/wechat/crypto.js';
import { parseWechatXml } from '../../../src/channels/wechat/xml.js';

// The WeChat Official Account documentation's server-check example.
const OFFICIAL = {
  token: 'AAAAA',
  timestamp: '1714036504',
  nonce: '1514711492',
  signature: 'f464b24fc39322e44b38aa78f5edd27bd1441696',
};

// wechatpy/wechatpy tests/test_crypto.py (CryptoTestCase). wechatpy runs these through its WeChat Work class,
// whose message format is the Official Account's with the corp id in the app id's place.
const WECHATPY = {
  token: '123456',
  encodingAesKey: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR',
  appId: 'wx49f0ab532d5d035a',
  check: {
    signature: 'dd6b9c95b495b3f7e2901bfbc76c664930ffdb96',
    timestamp: '1411443780',
    nonce: '437374425',
    wrongNonce: '437374424',
    echoStr: '4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==',
  },
  decrypt: {
    signature: '74d92dfeb87ba7c714f89d98870ae5eb62dff26d',
    timestamp: '1411525903',
    nonce: '461056294',
    encrypt:
      'RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=',
  },
  encrypt: {
    random: '1234567890123456',
    timestamp: '1411525903',
    nonce: '461056294',
    reply:
      '<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n' +
      '<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n' +
      '<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>',
    encrypt:
      '9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3',
    msgSignature: '407518b7649e86ef23978113f92d27afa9296533',
  },
};

const fixedRandom = (text: string) => (size: number) => {
  expect(size).toBe(16);
  return Buffer.from(text, 'latin1');
};

describe('wechatSignature', () => {
  it('matches the official server-check vector', () => {
    expect(wechatSignature(OFFICIAL.token, OFFICIAL.timestamp, OFFICIAL.nonce)).toBe(OFFICIAL.signature);
  });

  it('does not depend on the order the parts are given in', () => {
    expect(wechatSignature(OFFICIAL.nonce, OFFICIAL.token, OFFICIAL.timestamp)).toBe(OFFICIAL.signature);
  });

  it('checks a signature in constant time, case-insensitively, and refuses missing or different ones', () => {
    expect(checkWechatSignature(OFFICIAL.signature, OFFICIAL.token, OFFICIAL.timestamp, OFFICIAL.nonce)).toBe(true);
    expect(
      checkWechatSignature(OFFICIAL.signature.toUpperCase(), OFFICIAL.token, OFFICIAL.timestamp, OFFICIAL.nonce),
    ).toBe(true);
    expect(checkWechatSignature(undefined, OFFICIAL.token, OFFICIAL.timestamp, OFFICIAL.nonce)).toBe(false);
    expect(checkWechatSignature('', OFFICIAL.token, OFFICIAL.timestamp, OFFICIAL.nonce)).toBe(false);
    expect(
      checkWechatSignature(OFFICIAL.signature.slice(0, -1), OFFICIAL.token, OFFICIAL.timestamp, OFFICIAL.nonce),
    ).toBe(false);
    expect(checkWechatSignature(OFFICIAL.signature, 'AAAAB', OFFICIAL.timestamp, OFFICIAL.nonce)).toBe(false);
  });

  it('matches the wechatpy msg_signature vectors (token, timestamp, nonce, Encrypt)', () => {
    const { check, decrypt, encrypt } = WECHATPY;
    expect(wechatSignature(WECHATPY.token, check.timestamp, check.nonce, check.echoStr)).toBe(check.signature);
    expect(
      checkWechatSignature(check.signature, WECHATPY.token, check.timestamp, check.wrongNonce, check.echoStr),
    ).toBe(false);
    expect(wechatSignature(WECHATPY.token, decrypt.timestamp, decrypt.nonce, decrypt.encrypt)).toBe(decrypt.signature);
    expect(wechatSignature(WECHATPY.token, encrypt.timestamp, encrypt.nonce, encrypt.encrypt)).toBe(
      encrypt.msgSignature,
    );
  });
});

describe('WechatCipher', () => {
  const cipher = new WechatCipher(WECHATPY.encodingAesKey, WECHATPY.appId);

  it("decrypts wechatpy's ciphertext to its message", () => {
    const xml = cipher.decrypt(WECHATPY.decrypt.encrypt);
    const fields = parseWechatXml(Buffer.from(xml));
    expect(fields).toMatchObject({
      ToUserName: 'wx49f0ab532d5d035a',
      FromUserName: 'messense',
      MsgType: 'text',
      Content: 'test',
      CreateTime: '1411525903',
      // 19 digits: more than a JS number holds exactly, so it must stay a string.
      MsgId: '4363689963896700987',
    });
  });

  it("decrypts wechatpy's encrypted echostr (its app id checks out)", () => {
    expect(cipher.decrypt(WECHATPY.check.echoStr)).toMatch(/^\d+$/);
  });

  it("encrypts wechatpy's reply to its exact ciphertext when given its random prefix", () => {
    const fixed = new WechatCipher(WECHATPY.encodingAesKey, WECHATPY.appId, fixedRandom(WECHATPY.encrypt.random));
    expect(fixed.encrypt(WECHATPY.encrypt.reply)).toBe(WECHATPY.encrypt.encrypt);
  });

  it.each([
    ['an empty message', ''],
    ['ASCII', 'How many members does LinkedIn have?'],
    ['Chinese and emoji', '领英在中国有多少用户？🙂'],
    // 16 + 4 + 26 + 18 (app id) = 64 bytes, a multiple of 32, so the padding is a whole 32-byte block.
    ['a length that pads a whole 32-byte block', 'x'.repeat(64 - 16 - 4 - 18)],
    ['a long message', 'LinkedIn '.repeat(500)],
  ])('round-trips %s', (_name, message) => {
    const encrypted = cipher.encrypt(message);
    expect(Buffer.from(encrypted, 'base64').length % 32).toBe(0);
    expect(cipher.decrypt(encrypted)).toBe(message);
  });

  it('uses a fresh random prefix by default, so equal messages encrypt differently', () => {
    expect(cipher.encrypt('same')).not.toBe(cipher.encrypt('same'));
  });

  it('refuses a message encrypted for another app id', () => {
    const other = new WechatCipher(WECHATPY.encodingAesKey, 'wx0000000000000000');
    expect(() => other.decrypt(WECHATPY.decrypt.encrypt)).toThrow(WechatCryptoError);
    expect(() => other.decrypt(WECHATPY.decrypt.encrypt)).toThrow(/another app id/);
  });

  it('refuses a message encrypted with another key', () => {
    const other = new WechatCipher('a'.repeat(43), WECHATPY.appId);
    expect(() => other.decrypt(WECHATPY.decrypt.encrypt)).toThrow(WechatCryptoError);
  });

  it.each([
    ['empty', ''],
    ['not base64', '%%%%not-base64%%%%'],
    ['not whole AES blocks', Buffer.alloc(20).toString('base64')],
    ['cut after three AES blocks', WECHATPY.decrypt.encrypt.slice(0, 64)],
    ['tampered', `A${WECHATPY.decrypt.encrypt.slice(1)}`],
  ])('refuses a ciphertext that is %s with a WechatCryptoError', (_name, text) => {
    expect(() => cipher.decrypt(text)).toThrow(WechatCryptoError);
  });

  it('refuses a malformed EncodingAESKey', () => {
    expect(() => new WechatCipher('too-short', WECHATPY.appId)).toThrow(/43 characters/);
  });
});
