import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repo whose `dist/cli.js` is started, and the node that runs it (CI swaps in Node 22/24). */
export const SERVICE_ROOT = process.env.SMCP_E2E_ROOT ?? resolve(__dirname, '..', '..');
export const SERVICE_NODE = process.env.SMCP_E2E_NODE ?? process.execPath;

// Behind a proxy (MCP_SERVICE_URL) the line names the public https URL, not the bound port.
const ENDPOINT_LINE = /(?:MCP endpoint:|Serving MCP at) (https?:\/\/\S+\/mcp)/;

export interface ServiceProcess {
  /** The MCP endpoint, e.g. http://127.0.0.1:40123/mcp */
  readonly url: string;
  /** http://127.0.0.1:40123 */
  readonly origin: string;
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A clean environment: nothing from the developer's shell leaks into the service's settings. */
export function serviceEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    HOME: process.env.HOME,
    NO_COLOR: '1',
    PATH: process.env.PATH,
    TZ: process.env.TZ,
    ...extra,
  };
}

/** A temporary data folder for the embedded demo, removed by the returned function. */
export function temporaryDataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'smcp-e2e-'));
  return { dir, remove: () => rmSync(dir, { force: true, recursive: true }) };
}

/** Starts `superset-mcp run --port 0` and resolves once it prints its endpoint. */
export async function startServiceProcess(
  env: Record<string, string>,
  args: readonly string[] = [],
): Promise<ServiceProcess> {
  const child = spawn(
    SERVICE_NODE,
    [join(SERVICE_ROOT, 'dist', 'cli.js'), 'run', '--port', '0', ...args],
    {
      cwd: SERVICE_ROOT,
      env: serviceEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ENDPOINT_LINE.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code} before starting:\n${output}`));
    });
  });
  return {
    child,
    origin: new URL(url).origin,
    output: () => output,
    stop: () => stopProcess(child),
    url,
  };
}

/** Runs the CLI to completion (for start-up failures and --help). */
export function runCli(
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<RunResult> {
  const child = spawn(SERVICE_NODE, [join(SERVICE_ROOT, 'dist', 'cli.js'), ...args], {
    cwd: SERVICE_ROOT,
    env: serviceEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolveRun, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CLI did not exit:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stderr, stdout });
    });
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  // A process killed by a signal has no exit code, only a signal code.
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}
