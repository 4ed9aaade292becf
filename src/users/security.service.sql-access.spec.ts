import { describe, expect, it } from 'vitest';

import type { Settings } from '../config/settings.js';
import { SecurityService } from './security.service.js';
import type { SupersetUser } from './superset-user.js';
import type { UserAccess } from './user-access.js';

const DATABASE = { id: 7, databaseName: 'warehouse' };

function security(rbac = true): SecurityService {
  const settings = { MCP_RBAC_ENABLED: rbac, AUTH_ROLE_ADMIN: 'Admin' } as Settings;
  return new SecurityService(null as never, null as never, null as never, settings);
}

function access(grants: {
  classPermissions?: readonly string[];
  isAdmin?: boolean;
  allDatabases?: boolean;
  allDatasources?: boolean;
  databasePerms?: readonly string[];
  databaseIds?: readonly number[];
  schemaPerms?: readonly string[];
  datasourcePerms?: readonly string[];
}): UserAccess {
  const classPermissions = new Set(grants.classPermissions ?? []);
  return {
    user: { id: 5, username: 'u' } as SupersetUser,
    roleIds: [],
    isAdmin: grants.isAdmin ?? false,
    allDatabases: grants.allDatabases ?? false,
    allDatasources: grants.allDatasources ?? grants.allDatabases ?? false,
    databaseIds: grants.databaseIds ?? [],
    databasePerms: grants.databasePerms ?? [],
    catalogPerms: [],
    schemaPerms: grants.schemaPerms ?? [],
    datasourcePerms: grants.datasourcePerms ?? [],
    grantedDatabaseNames: [],
    permissionsDigest: 'test',
    can: (permission, viewMenu) => classPermissions.has(`${permission} on ${viewMenu}`),
    viewMenusWith: () => [],
  };
}

const SQL_LAB = ['can_execute_sql_query on SQLLab'];

describe('SecurityService.sqlAccess (SQL Lab rule)', () => {
  it.each([
    ['Admin without any grant', access({ isAdmin: true }), 'allowed'],
    ['all_database_access', access({ classPermissions: SQL_LAB, allDatabases: true }), 'allowed'],
    [
      'all_datasource_access',
      access({ classPermissions: SQL_LAB, allDatasources: true }),
      'allowed',
    ],
    [
      'database_access on [warehouse].(id:7)',
      access({
        classPermissions: SQL_LAB,
        databasePerms: ['[warehouse].(id:7)'],
        databaseIds: [7],
      }),
      'allowed',
    ],
    [
      'database_access on another database',
      access({ classPermissions: SQL_LAB, databasePerms: ['[other].(id:8)'], databaseIds: [8] }),
      'no_database_access',
    ],
    [
      'schema_access only (tables are not extracted: fails closed)',
      access({ classPermissions: SQL_LAB, schemaPerms: ['[warehouse].[public]'] }),
      'no_database_access',
    ],
    [
      'datasource_access only',
      access({ classPermissions: SQL_LAB, datasourcePerms: ['[warehouse].[orders](id:3)'] }),
      'no_database_access',
    ],
    [
      'database access without can_execute_sql_query',
      access({ allDatabases: true, databaseIds: [7] }),
      'no_sql_lab_permission',
    ],
    ['nothing at all', access({}), 'no_sql_lab_permission'],
  ])('%s → %s', (_name, userAccess, expected) => {
    expect(security().sqlAccess(userAccess, DATABASE)).toBe(expected);
  });

  it('skips the class check when MCP_RBAC_ENABLED is off, never the database check', () => {
    expect(security(false).sqlAccess(access({ databaseIds: [7] }), DATABASE)).toBe('allowed');
    expect(security(false).sqlAccess(access({}), DATABASE)).toBe('no_database_access');
  });
});
