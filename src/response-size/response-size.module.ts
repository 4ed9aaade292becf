import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';

import { ResponseSizeInterceptor } from './response-size.interceptor.js';

/** The response size guard, around every tool call (MCP_RESPONSE_SIZE_CONFIG). */
@Module({
  providers: [{ provide: APP_INTERCEPTOR, useClass: ResponseSizeInterceptor }],
})
export class ResponseSizeModule {}
