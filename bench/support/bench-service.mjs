// Starts the built service (dist/cli.js) for a benchmark and waits for the line naming its endpoint.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// SMCP_E2E_ROOT, as for the e2e tests: a build elsewhere, so a rebuild here cannot pull dist/ away.
const ROOT =
  process.env.SMCP_E2E_ROOT ?? resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ENDPOINT_LINE = /(?:MCP endpoint:|Serving MCP at) (http:\/\/\S+\/mcp)/;

/**
 * `env` is all the service gets besides HOME and PATH (settings as environment variables);
 * `nodeArgs` go before the script (a `--import` preload, say). Resolves `{ child, url, origin, stop }`;
 * `stop()` resolves once the process has exited, so its data folder can be removed after it.
 */
export async function startBenchService(env, nodeArgs = []) {
  const child = spawn(
    process.execPath,
    [...nodeArgs, join(ROOT, 'dist', 'cli.js'), 'run', '--port', '0'],
    {
      env: { HOME: process.env.HOME, NO_COLOR: '1', PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const url = await new Promise((resolveUrl, reject) => {
    const onData = (chunk) => {
      output += chunk;
      const match = ENDPOINT_LINE.exec(output);
      if (match) resolveUrl(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`service exited ${code}:\n${output}`)));
  });
  const stop = () =>
    new Promise((resolveStop) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
      child.once('exit', () => resolveStop());
      child.kill('SIGTERM');
    });
  return { child, origin: new URL(url).origin, stop, url };
}
