import type { SupersetUser } from './superset-user.js';

/** What Superset lets one user do, computed once per request from the user's permission pairs. */
export interface UserAccess {
  readonly user: SupersetUser;
  readonly roleIds: readonly number[];
  /** The user holds the role named by `AUTH_ROLE_ADMIN`. */
  readonly isAdmin: boolean;
  /** `all_datasource_access` or `all_database_access`: every dataset and chart. */
  readonly allDatasources: boolean;
  /** `all_database_access`: every database. */
  readonly allDatabases: boolean;
  /** Database ids from `database_access` on `[name].(id:N)`. */
  readonly databaseIds: readonly number[];
  readonly databasePerms: readonly string[];
  readonly catalogPerms: readonly string[];
  readonly schemaPerms: readonly string[];
  readonly datasourcePerms: readonly string[];
  /** Database names named by the user's catalog, schema and datasource grants. */
  readonly grantedDatabaseNames: readonly string[];
  /** SHA-256 of the sorted permission pairs: changes whenever what the user may do changes. */
  readonly permissionsDigest: string;
  /** `can_access(permission, view_menu)` for class and menu permissions. */
  can(permission: string, viewMenu: string): boolean;
  /** View-menu names on which the user holds `permission` (e.g. `menu_access`), sorted. */
  viewMenusWith(permission: string): readonly string[];
}
