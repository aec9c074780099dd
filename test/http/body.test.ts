import { describe, expect, it } from 'vitest';
import { isRecord, parseJsonBody } from '../../src/http/body.js';
import { constantTimeEqual } from '../../src/http/constant-time.js';

describe('request helpers', () => {
  it('parses UTF-8 JSON and refuses anything else with 400 invalid_json', () => {
    expect(parseJsonBody(Buffer.from('{"a":[1,"é"]}'))).toEqual({ a: [1, 'é'] });
    for (const raw of [Buffer.from(''), Buffer.from('{"a":'), Buffer.from([0x22, 0xff, 0x22])]) {
      expect(() => parseJsonBody(raw)).toThrow(expect.objectContaining({ status: 400, code: 'invalid_json' }));
    }
  });

  it('takes only JSON objects for records', () => {
    expect(isRecord({})).toBe(true);
    for (const value of [null, [], 'x', 1, undefined]) expect(isRecord(value)).toBe(false);
  });

  it('compares secrets exactly, and an absent one never matches', () => {
    expect(constantTimeEqual('s3cret', 's3cret')).toBe(true);
    for (const given of ['s3creT', 's3cre', 's3crett', '', undefined])
      expect(constantTimeEqual(given, 's3cret')).toBe(false);
    expect(constantTimeEqual(undefined, '')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });
});
