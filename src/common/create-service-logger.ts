import type { LoggerService } from '@nestjs/common';

import type { Settings } from '../config/settings.js';
import { JsonServiceLogger } from './json-service.logger.js';
import { ServiceLogger } from './service.logger.js';

/** The logger `MCP_LOG_FORMAT` asks for: text for people (the default), JSON lines for collectors. */
export function createServiceLogger(settings: Settings): LoggerService {
  return settings.MCP_LOG_FORMAT === 'json'
    ? new JsonServiceLogger(settings.MCP_DEBUG)
    : new ServiceLogger(settings.MCP_DEBUG);
}
