import { Module } from '@nestjs/common';

import { RolePermissionsRepository } from './role-permissions.repository.js';
import { UsersRepository } from './users.repository.js';

/** Superset users and roles. Needs `MetadataDatabaseModule` (global) for the repositories. */
@Module({
  exports: [RolePermissionsRepository, UsersRepository],
  providers: [RolePermissionsRepository, UsersRepository],
})
export class UsersModule {}
