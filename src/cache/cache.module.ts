import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';

import { ResultCache } from './result-cache.service.js';
import { ToolResultCacheInterceptor } from './tool-result-cache.interceptor.js';

/**
 * The result cache of `MCP_CACHE_CONFIG`: an interceptor around every read-only tool and the
 * cache the transport answers list, read and get requests through. Needs `RedisModule` and
 * `UsersModule` (both global).
 */
@Global()
@Module({
  exports: [ResultCache],
  providers: [ResultCache, { provide: APP_INTERCEPTOR, useClass: ToolResultCacheInterceptor }],
})
export class CacheModule {}
