import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';

import { SupersetDatabase } from '../superset/databases/database.entity.js';
import type { DatabaseRow } from './connection-target.js';

/** Loads the `dbs` columns a connection needs, including the encrypted ones never selected by default. */
@Injectable()
export class DatabaseConnectionLoader {
  constructor(
    @InjectRepository(SupersetDatabase) private readonly databases: Repository<SupersetDatabase>,
  ) {}

  async load(databaseId: number): Promise<DatabaseRow | null> {
    const found = await this.databases
      .createQueryBuilder('db')
      .addSelect(['db.password', 'db.encryptedExtra', 'db.serverCert'])
      .where('db.id = :id', { id: databaseId })
      .getOne();
    if (!found) return null;
    return {
      id: found.id,
      databaseName: found.databaseName,
      sqlalchemyUri: found.sqlalchemyUri,
      password: found.password ?? null,
      encryptedExtra: found.encryptedExtra ?? null,
      serverCert: found.serverCert ?? null,
      extra: found.extra,
      allowDml: found.allowDml,
      exposeInSqllab: found.exposeInSqllab,
      changedOn: found.changedOn,
    };
  }
}
