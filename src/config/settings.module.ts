import { DynamicModule, Global, Module } from '@nestjs/common';

import { SETTINGS } from './inject-settings.decorator.js';
import type { Settings } from './settings.js';

/** Makes one already-validated `Settings` object injectable everywhere. */
@Global()
@Module({})
export class SettingsModule {
  static forRoot(settings: Settings): DynamicModule {
    return {
      exports: [SETTINGS],
      module: SettingsModule,
      providers: [{ provide: SETTINGS, useValue: settings }],
    };
  }
}
