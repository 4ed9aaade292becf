import { AbGroupRole } from '../../users/ab-group-role.entity.js';
import { AbGroup } from '../../users/ab-group.entity.js';
import { AbPermissionViewRole } from '../../users/ab-permission-view-role.entity.js';
import { AbPermissionView } from '../../users/ab-permission-view.entity.js';
import { AbPermission } from '../../users/ab-permission.entity.js';
import { AbRole } from '../../users/ab-role.entity.js';
import { AbUserGroup } from '../../users/ab-user-group.entity.js';
import { AbUserRole } from '../../users/ab-user-role.entity.js';
import { AbUser } from '../../users/ab-user.entity.js';
import { AbViewMenu } from '../../users/ab-view-menu.entity.js';
import { SliceOwner } from '../charts/slice-owner.entity.js';
import { Slice } from '../charts/slice.entity.js';
import { DashboardOwner } from '../dashboards/dashboard-owner.entity.js';
import { DashboardRole } from '../dashboards/dashboard-role.entity.js';
import { DashboardSlice } from '../dashboards/dashboard-slice.entity.js';
import { Dashboard } from '../dashboards/dashboard.entity.js';
import { SupersetDatabase } from '../databases/database.entity.js';
import { DatasetOwner } from '../datasets/dataset-owner.entity.js';
import { SqlMetric } from '../datasets/sql-metric.entity.js';
import { SqlaTable } from '../datasets/sqla-table.entity.js';
import { TableColumn } from '../datasets/table-column.entity.js';
import { KeyValue } from '../key-value/key-value.entity.js';
import { Log } from '../logs/log.entity.js';
import { QueryEntity } from '../queries/query.entity.js';
import { SavedQuery } from '../saved-queries/saved-query.entity.js';
import { RlsFilterRole } from '../security/rls-filter-role.entity.js';
import { RlsFilterTable } from '../security/rls-filter-table.entity.js';
import { RlsFilter } from '../security/rls-filter.entity.js';

/** Every entity mapped onto Superset's metadata database. */
export const METADATA_ENTITIES = [
  AbUser,
  AbRole,
  AbUserRole,
  AbPermission,
  AbViewMenu,
  AbPermissionView,
  AbPermissionViewRole,
  AbGroup,
  AbUserGroup,
  AbGroupRole,
  Dashboard,
  DashboardSlice,
  DashboardOwner,
  DashboardRole,
  Slice,
  SliceOwner,
  SqlaTable,
  TableColumn,
  SqlMetric,
  DatasetOwner,
  SupersetDatabase,
  KeyValue,
  Log,
  QueryEntity,
  SavedQuery,
  RlsFilter,
  RlsFilterRole,
  RlsFilterTable,
];
