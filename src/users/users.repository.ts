import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';

import { MetadataSchemaInspector } from '../superset/database/metadata-schema-inspector.service.js';
import { AbUserRole } from './ab-user-role.entity.js';
import { AbUserGroup } from './ab-user-group.entity.js';
import { AbUser } from './ab-user.entity.js';
import type { SupersetGroupRef, SupersetRoleRef, SupersetUser } from './superset-user.js';

interface GroupRoleRow {
  readonly groupId: number | string;
  readonly groupName: string;
  readonly roleId: number | string | null;
  readonly roleName: string | null;
}

interface RoleRow {
  readonly roleId: number | string;
  readonly roleName: string;
}

/** Superset users with their effective roles (direct and, where FAB groups exist, through groups). */
@Injectable()
export class UsersRepository {
  constructor(
    @InjectRepository(AbUser) private readonly users: Repository<AbUser>,
    @InjectRepository(AbUserRole) private readonly userRoles: Repository<AbUserRole>,
    @InjectRepository(AbUserGroup) private readonly userGroups: Repository<AbUserGroup>,
    private readonly schema: MetadataSchemaInspector,
  ) {}

  /** Exact, case-sensitive match, as Flask-AppBuilder stores usernames. */
  findByUsername(username: string): Promise<SupersetUser | null> {
    return this.findOne({ username });
  }

  findByEmail(email: string): Promise<SupersetUser | null> {
    return this.findOne({ email });
  }

  countActive(): Promise<number> {
    return this.users.countBy({ active: true });
  }

  private async findOne(
    where: { username: string } | { email: string },
  ): Promise<SupersetUser | null> {
    const user = await this.users.findOneBy(where);
    if (!user) {
      return null;
    }
    const [directRoles, groupRows] = await Promise.all([
      this.directRoles(user.id),
      this.schema.supports('groups') ? this.groupRoles(user.id) : Promise.resolve([]),
    ]);

    const groups = new Map<number, SupersetGroupRef>();
    const roles = new Map<number, SupersetRoleRef>();
    for (const row of directRoles) {
      roles.set(Number(row.roleId), { id: Number(row.roleId), name: row.roleName });
    }
    for (const row of groupRows) {
      groups.set(Number(row.groupId), { id: Number(row.groupId), name: row.groupName });
      if (row.roleId !== null && row.roleName !== null) {
        roles.set(Number(row.roleId), { id: Number(row.roleId), name: row.roleName });
      }
    }

    return {
      id: user.id,
      username: user.username,
      firstName: user.firstName,
      lastName: user.lastName,
      email: user.email,
      active: user.active === true,
      roles: [...roles.values()].sort(byName),
      groups: [...groups.values()].sort(byName),
    };
  }

  private directRoles(userId: number): Promise<RoleRow[]> {
    return this.userRoles
      .createQueryBuilder('user_role')
      .innerJoin('user_role.role', 'role')
      .select('role.id', 'roleId')
      .addSelect('role.name', 'roleName')
      .where('user_role.user_id = :userId', { userId })
      .getRawMany<RoleRow>();
  }

  private groupRoles(userId: number): Promise<GroupRoleRow[]> {
    return this.userGroups
      .createQueryBuilder('user_group')
      .innerJoin('user_group.group', 'member_group')
      .leftJoin('member_group.roles', 'role')
      .select('member_group.id', 'groupId')
      .addSelect('member_group.name', 'groupName')
      .addSelect('role.id', 'roleId')
      .addSelect('role.name', 'roleName')
      .where('user_group.user_id = :userId', { userId })
      .getRawMany<GroupRoleRow>();
  }
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
