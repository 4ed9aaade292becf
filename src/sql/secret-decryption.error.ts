/** A stored secret could not be decrypted, almost always because SECRET_KEY differs from Superset's. */
export class SecretDecryptionError extends Error {
  constructor() {
    super('cannot decrypt: check SECRET_KEY');
    this.name = SecretDecryptionError.name;
  }
}
