import type { ValueTransformer } from 'typeorm';

import {
  booleanFromDb,
  bytesFromDb,
  timestampFromDb,
  timestampToDb,
  uuidFromDb,
} from './metadata-values.js';

/**
 * Reads either uuid storage form as a dashed string. Writes pass through unchanged: writers give
 * `uuidToDb(dialect, uuid)`, because only they know the dialect.
 */
export const uuidTransformer: ValueTransformer = {
  from: uuidFromDb,
  to: (value: unknown) => value,
};

/** Dates are written as Superset's naive local-time text; strings and query operators pass through. */
export const timestampTransformer: ValueTransformer = {
  from: timestampFromDb,
  to: (value: unknown) => (value instanceof Date ? timestampToDb(value) : value),
};

export const booleanTransformer: ValueTransformer = {
  from: booleanFromDb,
  to: (value: unknown) => value,
};

/** bytea / BLOB columns (encrypted secrets, key_value payloads) come back as Buffers. */
export const bytesTransformer: ValueTransformer = {
  from: bytesFromDb,
  to: (value: unknown) => value,
};
