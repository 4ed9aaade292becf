import { describe, expect, it } from 'vitest';

import { StartupError } from '../../config/startup.error.js';
import { driverReason, openMetadataDatabase } from './metadata-database-connection.js';

describe('openMetadataDatabase', () => {
  it('fails at once with a StartupError naming the setting, the masked URI and the reason', async () => {
    const uri = 'postgresql://postgres:hunter2@127.0.0.1:1/superset';
    const opening = openMetadataDatabase(uri, {
      database: 'superset',
      host: '127.0.0.1',
      password: 'hunter2',
      port: 1,
      type: 'postgres',
      username: 'postgres',
    });
    await expect(opening).rejects.toBeInstanceOf(StartupError);
    await expect(opening).rejects.toThrow(
      'SQLALCHEMY_DATABASE_URI: cannot open the metadata database ' +
        'postgresql://postgres:XXXXXXXXXX@127.0.0.1:1/superset: connect ECONNREFUSED 127.0.0.1:1',
    );
  });
});

describe('driverReason', () => {
  it('reads the errors of an AggregateError without a message (localhost on IPv4 and IPv6)', () => {
    const refused = (address: string) =>
      Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: 'ECONNREFUSED' });
    expect(driverReason(new AggregateError([refused('::1:1'), refused('127.0.0.1:1')]))).toBe(
      'connect ECONNREFUSED ::1:1; connect ECONNREFUSED 127.0.0.1:1',
    );
  });

  it('keeps one line and masks credentials', () => {
    expect(driverReason(new Error('bad uri postgresql://u:pw@h/db\n  at somewhere'))).toBe(
      'bad uri postgresql://u:XXXXXXXXXX@h/db',
    );
  });
});
