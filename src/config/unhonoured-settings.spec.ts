import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { describe, expect, it, vi } from 'vitest';

import { loadSettings } from './settings.loader.js';
import { SettingsModule } from './settings.module.js';
import { UnhonouredSettingsReporter } from './unhonoured-settings.reporter.js';
import type { Settings } from './settings.js';
import { unhonouredSettingWarnings } from './unhonoured-settings.js';

async function settingsFrom(
  env: Record<string, string>,
  extra: Partial<Settings> = {},
): Promise<Settings> {
  return { ...(await loadSettings(env, '/')).settings, ...extra };
}

describe('unhonouredSettingWarnings', () => {
  it('names nothing for the defaults, with the response size guard on or off', async () => {
    expect(unhonouredSettingWarnings(await settingsFrom({}))).toEqual([]);
    expect(
      unhonouredSettingWarnings(
        await settingsFrom({ MCP_RESPONSE_SIZE_CONFIG: '{"enabled": false}' }),
      ),
    ).toEqual([]);
  });

  it('names each requested feature that does not exist yet', async () => {
    const settings = await settingsFrom({
      MCP_CACHE_CONFIG: '{"enabled": true}',
      MCP_RESPONSE_SIZE_CONFIG: '{"enabled": false}',
      MCP_STORE_CONFIG: '{"enabled": true, "CACHE_REDIS_URL": "redis://u:secret@cache:6379/0"}',
      MCP_STRUCTURED_OUTPUT_ENABLED: 'true',
      MCP_TOOL_SEARCH_CONFIG: '{"enabled": true}',
    });
    const warnings = unhonouredSettingWarnings(settings);
    expect(warnings.map((warning) => warning.split(':')[0])).toEqual([
      'MCP_STRUCTURED_OUTPUT_ENABLED',
      'MCP_TOOL_SEARCH_CONFIG',
    ]);
    for (const warning of warnings) expect(warning).toContain('not honoured yet');
    expect(warnings.join('\n')).not.toContain('secret');
  });

  it('names the upstream restrictions and options that have no effect here', async () => {
    const settings = await settingsFrom(
      {
        AUTH_ROLE_PUBLIC: 'Anonymous',
        MCP_API_KEY_ENABLED: 'true',
        MCP_DATASET_ROLE_ALLOWLIST: '{"Gamma": []}',
        MCP_DISABLED_CHART_PLUGINS: 'sankey',
        MCP_EMBEDDED_GUEST_AUTH_ENABLED: 'true',
        MCP_PARSE_REQUEST_ENABLED: 'false',
        MCP_RESPONSE_SIZE_CONFIG: '{"enabled": false}',
        WEBDRIVER_BASEURL: 'http://superset:8088',
      },
      { MCP_ERROR_HOOK: () => undefined, MCP_RESTRICTED_TOOL_POLICY: () => null },
    );
    expect(unhonouredSettingWarnings(settings).map((warning) => warning.split(':')[0])).toEqual([
      'MCP_RESTRICTED_TOOL_POLICY',
      'MCP_DATASET_ROLE_ALLOWLIST',
      'MCP_EMBEDDED_GUEST_AUTH_ENABLED and MCP_GUEST_ALLOWED_TOOLS',
      'MCP_API_KEY_ENABLED and MCP_API_KEY_CREATE_URL',
      'MCP_DISABLED_CHART_PLUGINS and MCP_CHART_PLUGIN_ENABLED_FUNC',
      'MCP_ERROR_HOOK',
      'MCP_PARSE_REQUEST_ENABLED',
      'MCP_FACTORY_CONFIG, MCP_FEATURE_FLAGS, MCP_ADMIN_USERNAME, MCP_BUG_REPORT_CONTACT and WEBDRIVER_BASEURL',
      'AUTH_ROLE_PUBLIC',
    ]);
  });
});

describe('UnhonouredSettingsReporter', () => {
  it('warns at start-up about each unhonoured setting the configuration asks for', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const settings = await settingsFrom({ MCP_STRUCTURED_OUTPUT_ENABLED: 'true' });
      const app = await Test.createTestingModule({
        imports: [SettingsModule.forRoot(settings)],
        providers: [UnhonouredSettingsReporter],
      }).compile();
      await app.init();
      await app.close();
      expect(warn.mock.calls.map(([message]) => String(message))).toEqual([
        'MCP_STRUCTURED_OUTPUT_ENABLED: not honoured yet; tool results carry text content only, no structuredContent.',
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});
