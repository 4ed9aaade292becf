import { Global, Module } from '@nestjs/common';

import { RedisConnections } from './redis-connections.js';

/** The Redis connections every feature that shares state across replicas uses. */
@Global()
@Module({
  exports: [RedisConnections],
  providers: [RedisConnections],
})
export class RedisModule {}
