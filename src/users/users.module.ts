import { Global, Module } from '@nestjs/common';

import { RolePermissionsRepository } from './role-permissions.repository.js';
import { SecurityService } from './security.service.js';
import { UserLookup } from './user-lookup.service.js';
import { UsersRepository } from './users.repository.js';

/**
 * Superset users, roles and permissions. Global because every tool's guards need the
 * `SecurityService`, wherever the tool's provider lives. Needs `MetadataDatabaseModule` (global).
 */
@Global()
@Module({
  exports: [RolePermissionsRepository, SecurityService, UserLookup, UsersRepository],
  providers: [RolePermissionsRepository, SecurityService, UserLookup, UsersRepository],
})
export class UsersModule {}
