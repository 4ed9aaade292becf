/**
 * The embedded demo's active users (`buildDemoContent`), named when `MCP_DEV_USERNAME` names
 * someone the demo does not have.
 */
export const DEMO_USERNAMES: readonly string[] = [
  'admin',
  'alpha',
  'gamma',
  'sales',
  'grace',
  'owner',
  'nobody',
];
