import { Module } from '@nestjs/common';

import { UsersModule } from '../users/users.module.js';
import { AuthService } from './auth.service.js';

@Module({
  exports: [AuthService],
  imports: [UsersModule],
  providers: [AuthService],
})
export class AuthModule {}
