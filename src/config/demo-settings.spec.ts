import { describe, expect, it } from 'vitest';

import { applyDemoDefaults, DEMO_USERNAME, DEMO_WEBSERVER_ADDRESS } from './demo-settings.js';
import { SETTINGS_DEFAULTS } from './settings.schema.js';
import type { Settings } from './settings.js';

const settings = (overrides: Partial<Record<keyof Settings, unknown>> = {}): Settings =>
  ({ ...SETTINGS_DEFAULTS, MCP_AUTH_ENABLED: false, ...overrides }) as unknown as Settings;

describe(applyDemoDefaults.name, () => {
  it("links to Superset's default address, http://localhost:8088, when none is configured", () => {
    expect(DEMO_WEBSERVER_ADDRESS).toBe('http://localhost:8088');
    const demo = applyDemoDefaults(settings());
    expect(demo.SUPERSET_WEBSERVER_ADDRESS).toBe('http://localhost:8088');
    expect(demo.MCP_DEV_USERNAME).toBe(DEMO_USERNAME);
    expect(applyDemoDefaults(settings({ MCP_AUTH_ENABLED: true })).SUPERSET_WEBSERVER_ADDRESS).toBe(
      'http://localhost:8088',
    );
  });

  it('keeps a configured Superset address', () => {
    const demo = applyDemoDefaults(
      settings({ SUPERSET_WEBSERVER_ADDRESS: 'https://bi.example.com' }),
    );
    expect(demo.SUPERSET_WEBSERVER_ADDRESS).toBe('https://bi.example.com');
  });

  it('refuses a non-loopback address without authentication', () => {
    expect(() => applyDemoDefaults(settings({ MCP_SERVICE_HOST: '0.0.0.0' }))).toThrow(
      /only binds to loopback/,
    );
  });
});
