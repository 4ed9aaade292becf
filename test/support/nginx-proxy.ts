import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { renderNginxTemplate } from './nginx-template.js';

export const NGINX_BINARY = process.env.SMCP_NGINX ?? '/usr/sbin/nginx';

/** One line of the test nginx's access log: which replica answered a request, and the test's tag. */
export interface ProxiedRequest {
  readonly method: string;
  readonly uri: string;
  readonly status: number;
  /** Every upstream tried, in order (nginx lists them comma-separated when it moved on). */
  readonly upstreams: string[];
  readonly tag: string;
}

export interface NginxProxy {
  /** https://localhost:PORT */
  readonly origin: string;
  readonly port: number;
  /** PEM of the self-signed certificate, to trust in the client. */
  readonly certificate: string;
  readonly process: ChildProcess;
  /** The access log so far (lines are written when a request ends). */
  requests(): ProxiedRequest[];
  errorLog(): string;
  stop(): Promise<void>;
}

/** Resolves once something accepts TCP connections on the port. */
export async function waitForPort(port: number, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolveOpen) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolveOpen(true);
      });
      socket.once('error', () => resolveOpen(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${what} did not listen on ${port}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
}

/**
 * Debian's nginx as the test's own instance: a temporary prefix holding its configuration, a
 * self-signed certificate for localhost made with openssl, logs and temp paths; the site is the
 * deployment's own template (config/nginx/templates) with `upstreams` as its servers.
 */
export async function startNginxProxy(options: {
  readonly port: number;
  readonly upstreams: readonly string[];
}): Promise<NginxProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'smcp-nginx-'));
  // The workers run as nobody when the test runs as root: they write the temp paths.
  chmodSync(dir, 0o755);
  const tls = join(dir, 'tls');
  const temp = join(dir, 'temp');
  mkdirSync(tls);
  mkdirSync(temp, { mode: 0o777 });
  chmodSync(temp, 0o777);
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1'],
      ...['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
      ...['-keyout', join(tls, 'key.pem'), '-out', join(tls, 'cert.pem')],
    ],
    { stdio: 'ignore' },
  );
  writeFileSync(
    join(dir, 'superset-mcp.conf'),
    renderNginxTemplate({
      NGINX_HTTPS_PORT: `127.0.0.1:${options.port}`,
      NGINX_SERVER_NAME: 'localhost',
      NGINX_TLS_DIR: tls,
      NGINX_UPSTREAM_SERVERS: options.upstreams
        .map((address) => `server ${address} max_fails=1 fail_timeout=30s;`)
        .join(' '),
    }),
  );
  const accessLog = join(dir, 'access.log');
  const errorLog = join(dir, 'error.log');
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      'worker_processes 1;',
      `error_log ${errorLog} warn;`,
      'events { worker_connections 512; }',
      'http {',
      "  log_format replicas '$request_method|$uri|$status|$upstream_addr|$http_x_test_tag';",
      `  access_log ${accessLog} replicas;`,
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (kind) => `  ${kind}_temp_path ${join(temp, kind)};`,
      ),
      `  include ${join(dir, 'superset-mcp.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  const child = spawn(
    NGINX_BINARY,
    ['-e', errorLog, '-p', dir, '-c', join(dir, 'nginx.conf')].concat([
      '-g',
      `daemon off; pid ${join(dir, 'nginx.pid')};`,
    ]),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<never>((_resolve, reject) =>
    child.once('exit', (code) => reject(new Error(`nginx exited with ${code}:\n${output}`))),
  );
  exited.catch(() => undefined);
  await Promise.race([waitForPort(options.port, 'nginx'), exited]);
  const readText = (file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  return {
    certificate: readFileSync(join(tls, 'cert.pem'), 'utf8'),
    errorLog: () => readText(errorLog),
    origin: `https://localhost:${options.port}`,
    port: options.port,
    process: child,
    requests: () =>
      readText(accessLog)
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => {
          const [method, uri, status, upstreams, tag] = line.split('|');
          return {
            method,
            status: Number(status),
            tag,
            upstreams: upstreams.split(/,\s*/).filter((address) => address !== '-'),
            uri,
          };
        }),
    stop: async () => {
      if (child.exitCode === null) {
        const done = new Promise((resolveExit) => child.once('exit', resolveExit));
        child.kill('SIGTERM');
        await done;
      }
      rmSync(dir, { force: true, recursive: true });
    },
  };
}
