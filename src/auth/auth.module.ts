import { Module } from '@nestjs/common';

import { UsersModule } from '../users/users.module.js';
import { AuthService } from './auth.service.js';
import { ProtectedResourceService } from './protected-resource.service.js';
import { TokenUserResolver } from './token-user.resolver.js';
import { WellKnownController } from './well-known.controller.js';

@Module({
  controllers: [WellKnownController],
  exports: [AuthService],
  imports: [UsersModule],
  providers: [AuthService, ProtectedResourceService, TokenUserResolver],
})
export class AuthModule {}
