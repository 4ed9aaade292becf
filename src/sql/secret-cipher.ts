import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';

import { SecretDecryptionError } from './secret-decryption.error.js';

const BLOCK_BYTES = 16;
const PADDING_BYTE = 0x2a; // '*'
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Superset's encrypted columns (`dbs.password`, `encrypted_extra`, `server_cert`, …) as written by
 * sqlalchemy-utils `EncryptedType` with its defaults: AES-256-CBC, key = SHA-256(SECRET_KEY),
 * IV = the key's first 16 bytes, `*` padding, stored as the bytes of the Base64 text.
 * There is no MAC: a wrong key is detected only when the result is not UTF-8.
 */
export class SecretCipher {
  readonly #key: Buffer;
  readonly #iv: Buffer;

  constructor(secretKey: string) {
    this.#key = createHash('sha256').update(secretKey, 'utf8').digest();
    this.#iv = this.#key.subarray(0, BLOCK_BYTES);
  }

  decrypt(stored: Buffer | string | null): string | null {
    if (stored === null) {
      return null;
    }
    const base64 = (typeof stored === 'string' ? stored : stored.toString('latin1')).trim();
    if (!BASE64.test(base64)) {
      throw new SecretDecryptionError();
    }
    const ciphertext = Buffer.from(base64, 'base64');
    if (ciphertext.length === 0 || ciphertext.length % BLOCK_BYTES !== 0) {
      throw new SecretDecryptionError();
    }
    const decipher = createDecipheriv('aes-256-cbc', this.#key, this.#iv);
    decipher.setAutoPadding(false);
    const padded = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    let end = padded.length;
    while (end > 0 && padded[end - 1] === PADDING_BYTE) {
      end--;
    }
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(padded.subarray(0, end));
    } catch {
      throw new SecretDecryptionError();
    }
  }

  encrypt(plain: string | null): Buffer | null {
    if (plain === null) {
      return null;
    }
    const bytes = Buffer.from(plain, 'utf8');
    const padding = Buffer.alloc(BLOCK_BYTES - (bytes.length % BLOCK_BYTES), PADDING_BYTE);
    const cipher = createCipheriv('aes-256-cbc', this.#key, this.#iv);
    cipher.setAutoPadding(false);
    const ciphertext = Buffer.concat([
      cipher.update(Buffer.concat([bytes, padding])),
      cipher.final(),
    ]);
    return Buffer.from(ciphertext.toString('base64'), 'ascii');
  }
}
