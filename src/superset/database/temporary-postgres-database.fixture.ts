import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

const SERVER = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;

export interface TemporaryPostgresDatabase {
  readonly name: string;
  /** SQLAlchemy-style URI of the new database. */
  readonly uri: string;
  /** A connected client on the new database; closed by `drop()`. */
  readonly client: Client;
  drop(): Promise<void>;
}

/** Test helper: creates a uniquely named database on the local Postgres and drops it afterwards. */
export async function createTemporaryPostgresDatabase(): Promise<TemporaryPostgresDatabase> {
  const name = `smcp_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient((admin) => admin.query(`CREATE DATABASE "${name}"`));
  const client = new Client({ ...SERVER, database: name });
  await client.connect();
  return {
    name,
    uri: `postgresql://${SERVER.user}@${SERVER.host}:${SERVER.port}/${name}`,
    client,
    drop: async () => {
      await client.end();
      await withAdminClient((admin) =>
        admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
    },
  };
}

async function withAdminClient(work: (admin: Client) => Promise<unknown>): Promise<void> {
  const admin = new Client({ ...SERVER, database: 'postgres' });
  await admin.connect();
  try {
    await work(admin);
  } finally {
    await admin.end();
  }
}
