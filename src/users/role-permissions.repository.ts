import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface PermissionPair {
  readonly permission: string;
  readonly viewMenu: string;
}

/** Reads the permission-view pairs granted to a set of roles. */
@Injectable()
export class RolePermissionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every (permission, view menu) pair the roles hold, in one query. */
  async pairsFor(roleIds: readonly number[]): Promise<PermissionPair[]> {
    if (roleIds.length === 0) return [];
    return this.dataSource
      .createQueryBuilder()
      .select('p.name', 'permission')
      .addSelect('vm.name', 'viewMenu')
      .distinct(true)
      .from('ab_permission_view_role', 'pvr')
      .innerJoin('ab_permission_view', 'pv', 'pv.id = pvr.permission_view_id')
      .innerJoin('ab_permission', 'p', 'p.id = pv.permission_id')
      .innerJoin('ab_view_menu', 'vm', 'vm.id = pv.view_menu_id')
      .where('pvr.role_id IN (:...roleIds)', { roleIds })
      .getRawMany<PermissionPair>();
  }
}
