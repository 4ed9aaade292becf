import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';

import { Log } from '../superset/logs/log.entity.js';
import type { AuditRow } from './tool-call-audit-row.js';

/** Writes audit rows into Superset's `logs` table, the source of its Action Log. */
@Injectable()
export class ActionLogRepository {
  constructor(@InjectRepository(Log) private readonly logs: Repository<Log>) {}

  /** One INSERT for all `rows`. */
  async insert(rows: readonly AuditRow[]): Promise<void> {
    await this.logs
      .createQueryBuilder()
      .insert()
      .into(Log)
      .values(
        rows.map((row) => ({
          action: row.action,
          dashboardId: row.dashboardId,
          dttm: row.dttm as unknown as Date,
          durationMs: row.durationMs,
          json: row.json,
          referrer: null,
          sliceId: row.sliceId,
          userId: row.userId,
        })),
      )
      .updateEntity(false)
      .execute();
  }

  /** False when the metadata database was opened read-only (a SQLite file the service may not write). */
  get writable(): boolean {
    return (this.logs.manager.connection.options as { readonly?: boolean }).readonly !== true;
  }

  /** Whether the metadata database answers at all. */
  async reachable(): Promise<boolean> {
    try {
      await this.logs.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }
}
