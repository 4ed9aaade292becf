import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';

import { InjectSettings } from './inject-settings.decorator.js';
import type { Settings } from './settings.js';
import { unhonouredSettingWarnings } from './unhonoured-settings.js';

/** Says at start-up which of the configured settings the service does not act on yet. */
@Injectable()
export class UnhonouredSettingsReporter implements OnApplicationBootstrap {
  private readonly logger = new Logger('Settings');

  constructor(@InjectSettings() private readonly settings: Settings) {}

  onApplicationBootstrap(): void {
    for (const warning of unhonouredSettingWarnings(this.settings)) this.logger.warn(warning);
  }
}
