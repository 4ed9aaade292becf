import { describe, expect, it } from 'vitest';

import type { Settings } from '../../config/settings.js';
import type { DatasetRecord } from '../../superset/datasets/datasets.repository.js';
import { SupersetUrls } from '../../superset/superset-urls.service.js';
import { presentDataset } from './dataset.presenter.js';

/** A record with the given fields and null in every other. */
function record<T>(fields: Record<string, unknown>): T {
  return new Proxy(fields, {
    get: (target, key) => (key in target ? target[key as string] : null),
  }) as T;
}

describe(presentDataset.name, () => {
  const urls = new SupersetUrls({
    SUPERSET_WEBSERVER_ADDRESS: 'http://localhost:8088',
  } as unknown as Settings);

  it('explores the dataset and edits it from the Datasets list (no /tablemodelview/edit/N)', () => {
    const dataset = presentDataset(
      record<DatasetRecord>({ id: 5, tableName: 'sales_orders' }),
      urls,
      {},
      new Date(),
    );
    expect(dataset.url).toBe(
      'http://localhost:8088/explore/?datasource_type=table&datasource_id=5',
    );
    expect(dataset.edit_url).toBe('http://localhost:8088/tablemodelview/list/');
  });
});
