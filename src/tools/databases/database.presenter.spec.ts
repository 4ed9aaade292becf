import { describe, expect, it } from 'vitest';

import type { Settings } from '../../config/settings.js';
import type { DatabaseRecord } from '../../superset/databases/databases.repository.js';
import { SupersetUrls } from '../../superset/superset-urls.service.js';
import { presentDatabase } from './database.presenter.js';

/** A record with the given fields and null in every other. */
function record<T>(fields: Record<string, unknown>): T {
  return new Proxy(fields, {
    get: (target, key) => (key in target ? target[key as string] : null),
  }) as T;
}

describe(presentDatabase.name, () => {
  const urls = new SupersetUrls({
    SUPERSET_WEBSERVER_ADDRESS: 'http://localhost:8088',
  } as unknown as Settings);

  it('links to the Databases list: Superset 4.1+ has no /databaseview/edit/N page', () => {
    const database = presentDatabase(
      record<DatabaseRecord>({ backend: 'sqlite', id: 3 }),
      urls,
      0,
      new Date(),
    );
    expect(database.url).toBe('http://localhost:8088/databaseview/list/');
  });
});
