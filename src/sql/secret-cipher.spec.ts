import { describe, expect, it } from 'vitest';

import { SecretCipher } from './secret-cipher.js';
import { SecretDecryptionError } from './secret-decryption.error.js';

const SUPERSET_DEFAULT_KEY = 'CHANGE_ME_TO_A_COMPLEX_RANDOM_SECRET';

/** Produced by sqlalchemy-utils 0.42.0 EncryptedType (reference note §3.2). */
const VECTORS: [plain: string, stored: string][] = [
  ['s3cret', 'RdFT93XLd7qOVArFM8680Q=='],
  ['exactly16bytes!!', 'T/hShX0vvfZ20wq4C0399keoy8kOa6QwK6dHN2WU00Y='],
  ['', 'StheH13ynXkPyFe99k5J8A=='],
  ['pässwörd', 'ozKsT9/IiQs4F2Sr1EUm8w=='],
  ['{"credentials_info": {"a": 1}}', '5F6ZYa+fDt4bUPFO6dnG81MZoY6TPXQ3XOrCnQ09Ekc='],
];

describe(SecretCipher.name, () => {
  const cipher = new SecretCipher(SUPERSET_DEFAULT_KEY);

  it.each(VECTORS)('encrypts %j to the bytes of %s', (plain, stored) => {
    expect(cipher.encrypt(plain)).toEqual(Buffer.from(stored, 'ascii'));
  });

  it.each(VECTORS)('decrypts %j from the stored bytes and from text', (plain, stored) => {
    expect(cipher.decrypt(Buffer.from(stored, 'ascii'))).toBe(plain);
    expect(cipher.decrypt(stored)).toBe(plain);
  });

  it('keeps NULL as NULL', () => {
    expect(cipher.encrypt(null)).toBeNull();
    expect(cipher.decrypt(null)).toBeNull();
  });

  it('fails with a fixed message under the wrong key', () => {
    const wrong = new SecretCipher('not-the-key');
    const decrypt = () => wrong.decrypt(Buffer.from(VECTORS[0][1], 'ascii'));
    expect(decrypt).toThrow(SecretDecryptionError);
    expect(decrypt).toThrow('cannot decrypt: check SECRET_KEY');
  });

  it.each([['not base64 at all!'], ['QUJD'], ['RdFT93XLd7qOVArFM8680Q'], ['']])(
    'rejects the malformed stored value %j',
    (stored) => {
      expect(() => cipher.decrypt(stored)).toThrow(SecretDecryptionError);
    },
  );

  it('never puts the key in the error', () => {
    let caught: unknown;
    try {
      new SecretCipher('hunter2-secret-key').decrypt('RdFT93XLd7qOVArFM8680Q==');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SecretDecryptionError);
    expect(String((caught as Error).stack)).not.toContain('hunter2');
  });

  it('round-trips text that ends with other characters', () => {
    const plain = 'ünïcödé pass word with spaces and / + = signs';
    expect(cipher.decrypt(cipher.encrypt(plain))).toBe(plain);
  });
});
