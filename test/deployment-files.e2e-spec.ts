import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

import { loadSettings } from '../src/config/settings.loader.js';
import { settingsSchema } from '../src/config/settings.schema.js';
import { unhonouredSettingWarnings } from '../src/config/unhonoured-settings.js';
import { nginxTemplateVariables, renderNginxTemplate } from './support/nginx-template.js';
import {
  startServiceProcess,
  temporaryDataDir,
  type ServiceProcess,
} from './support/service-process.js';

/**
 * No Docker engine or Kubernetes cluster runs where this project is tested: these checks parse the
 * deployment files and hold them against the service itself (its settings schema, its routes).
 */

interface ComposeService {
  readonly build?: string;
  readonly image?: string;
  readonly command?: string | string[];
  readonly env_file?: string | string[];
  readonly environment?: Record<string, string>;
  readonly ports?: string[];
  readonly expose?: string[];
  readonly volumes?: string[];
  readonly depends_on?: Record<string, { condition: string }>;
  readonly healthcheck?: { test: string[] };
}

interface K8sObject {
  readonly kind: string;
  readonly metadata: { name: string; labels?: Record<string, string> };
  readonly [key: string]: any;
}

const ROOT = resolve(__dirname, '..');
const read = (path: string) => readFileSync(resolve(ROOT, path), 'utf8');
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
const SETTINGS_FILE = 'config/deploy.env';
const REPLICAS = ['superset-mcp-1', 'superset-mcp-2'];
const KNOWN_SETTINGS = new Set(Object.keys(settingsSchema.shape));

/** A compose env_file: KEY=VALUE lines, `#` comments, values optionally in single or double quotes. */
function readEnvFile(path: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of read(path).split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!match) {
      expect(line.trim() === '' || line.trim().startsWith('#'), `unparsed line: ${line}`).toBe(
        true,
      );
      continue;
    }
    const quoted = /^(['"])(.*)\1$/.exec(match[2]);
    values[match[1]] = quoted ? quoted[2] : match[2];
  }
  return values;
}

function envFiles(service: ComposeService | undefined): string[] {
  const files = service?.env_file ?? [];
  return Array.isArray(files) ? files : [files];
}

/** What a compose service's process sees: its env_file, then its `environment`. */
function composeEnvironment(service: ComposeService): Record<string, string> {
  return Object.assign(
    {},
    ...envFiles(service).map((file) => readEnvFile(file)),
    service.environment ?? {},
  ) as Record<string, string>;
}

/** ENV values and other instructions of the service's Dockerfile. */
const dockerfile = read('Dockerfile');
const runtimeStage = dockerfile.slice(dockerfile.indexOf('AS runtime'));
const imageEnv = Object.fromEntries(
  [...runtimeStage.matchAll(/\b([A-Z][A-Z0-9_]*)=(\S+)/g)].map((match) => [match[1], match[2]]),
);
const SERVICE_PORT = Number(imageEnv.MCP_SERVICE_PORT);

const deployEnv = readEnvFile(SETTINGS_FILE);

const kubernetesFiles = readdirSync(resolve(ROOT, 'config/kubernetes')).filter((file) =>
  file.endsWith('.yaml'),
);
const k8sObjects: K8sObject[] = kubernetesFiles
  .filter((file) => file !== 'kustomization.yaml')
  .flatMap((file) =>
    parseAllDocuments(read(`config/kubernetes/${file}`)).map((doc) => doc.toJS() as K8sObject),
  );
function k8s(kind: string, name: string): K8sObject {
  const found = k8sObjects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`config/kubernetes has no ${kind} ${name}`);
  return found;
}
const deployment = k8s('Deployment', 'superset-mcp');
const container = deployment.spec.template.spec.containers[0];
const configMap = k8s('ConfigMap', 'superset-mcp-settings');
const secret = k8s('Secret', 'superset-mcp-secrets');
const k8sEnvironment: Record<string, string> = { ...configMap.data, ...secret.stringData };

/** Every HTTP path the deployment files probe or check, and where. */
const probedPaths: [string, string][] = [
  ...[...runtimeStage.matchAll(/HEALTHCHECK[\s\S]*?127\.0\.0\.1:'[^']*'(\/\w+)/g)].map(
    (match): [string, string] => ['Dockerfile HEALTHCHECK', match[1]],
  ),
  ...['startupProbe', 'livenessProbe', 'readinessProbe'].map((probe): [string, string] => [
    `Deployment ${probe}`,
    String(container[probe].httpGet.path),
  ]),
];

/**
 * What the service says it will not do for these settings. With sessions in Redis the event store
 * settings are always reported: a broken SSE stream cannot be resumed (README, "Several replicas").
 */
function unhonouredBeyondEventStore(settings: Parameters<typeof unhonouredSettingWarnings>[0]) {
  return unhonouredSettingWarnings(settings).filter(
    (warning) => !warning.startsWith('MCP_STORE_CONFIG.event_store_'),
  );
}

describe('docker-compose.yml: the whole stack from one settings file', () => {
  it('runs Superset, its init job, Postgres, Redis, two replicas, the certificate step and nginx', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'nginx',
        'postgres',
        'redis',
        'superset',
        'superset-init',
        'superset-mcp-1',
        'superset-mcp-2',
        'tls-cert',
      ].sort(),
    );
    for (const name of REPLICAS) {
      expect(services[name]?.build).toBe('.');
    }
    expect(read('config/superset/Dockerfile')).toMatch(/^FROM apache\/superset:\d+\.\d+\.\d+$/m);
  });

  it('gives Superset, its init job, Postgres and both replicas the same settings file', () => {
    for (const name of ['postgres', 'superset-init', 'superset', ...REPLICAS]) {
      expect(envFiles(services[name]), name).toEqual([SETTINGS_FILE]);
    }
  });

  it('gives the replicas settings that load without a warning and that the service acts on', async () => {
    for (const name of REPLICAS) {
      const environment = composeEnvironment(services[name]);
      const { settings, warnings } = await loadSettings({ ...imageEnv, ...environment }, ROOT);
      expect(warnings).toEqual([]);
      expect(unhonouredBeyondEventStore(settings)).toEqual([]);
      expect(settings.MCP_AUTH_ENABLED).toBe(true);
      expect(settings.MCP_SERVICE_PORT).toBe(SERVICE_PORT);
      expect(settings.MCP_SERVICE_HOST).toBe('0.0.0.0');
      expect(settings.MCP_STORE_CONFIG.enabled).toBe(true);
      // The service reads Superset's own variable for the key.
      expect(settings.SECRET_KEY).toBe(deployEnv.SUPERSET_SECRET_KEY);
      expect(settings.SQLALCHEMY_DATABASE_URI).toBe(deployEnv.SQLALCHEMY_DATABASE_URI);
      expect(new URL(settings.MCP_STORE_CONFIG.CACHE_REDIS_URL ?? '').host).toBe('redis:6379');
      expect(services[name]?.expose).toEqual([String(SERVICE_PORT)]);
    }
  });

  it('has Superset read the same metadata database and SECRET_KEY lines as the replicas', () => {
    const supersetConfig = read('config/superset/superset_config.py');
    expect(supersetConfig).toContain(
      'SQLALCHEMY_DATABASE_URI = os.environ["SQLALCHEMY_DATABASE_URI"]',
    );
    expect(supersetConfig).toContain('SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]');
    for (const name of ['superset-init', 'superset']) {
      const service = services[name];
      const configPath = service.environment?.SUPERSET_CONFIG_PATH;
      expect(service.volumes).toContain(`./config/superset/superset_config.py:${configPath}:ro`);
    }
    const uri = new URL(deployEnv.SQLALCHEMY_DATABASE_URI);
    expect(uri.host).toBe('postgres:5432');
    expect(uri.username).toBe(deployEnv.POSTGRES_USER);
    expect(decodeURIComponent(uri.password)).toBe(deployEnv.POSTGRES_PASSWORD);
    expect(uri.pathname).toBe(`/${deployEnv.POSTGRES_DB}`);
  });

  it('migrates and initialises Superset once, before Superset and the replicas start', () => {
    const init = [services['superset-init'].command ?? ''].flat().join(' ');
    expect(init).toMatch(/superset db upgrade && superset fab create-admin .* && superset init$/s);
    for (const name of ['superset', ...REPLICAS]) {
      expect(services[name].depends_on?.['superset-init']).toEqual({
        condition: 'service_completed_successfully',
      });
    }
  });

  it('holds placeholders, never real secrets', () => {
    for (const name of [
      'POSTGRES_PASSWORD',
      'SUPERSET_SECRET_KEY',
      'SUPERSET_ADMIN_PASSWORD',
      'MCP_JWT_SECRET',
    ]) {
      expect(deployEnv[name]).toMatch(/^CHANGE_ME/);
    }
    for (const [name, value] of Object.entries(secret.stringData as Record<string, string>)) {
      expect(value, name).toContain('CHANGE_ME');
    }
  });

  it('puts nginx with TLS in front of exactly the replicas, at the public URL', () => {
    const nginx = services.nginx;
    const environment = nginx.environment ?? {};
    expect(Object.keys(environment).sort()).toEqual(nginxTemplateVariables());
    const upstreams = [...environment.NGINX_UPSTREAM_SERVERS.matchAll(/server ([\w-]+):(\d+)/g)];
    expect(upstreams.map((match) => match[1])).toEqual(REPLICAS);
    expect(upstreams.map((match) => Number(match[2]))).toEqual([SERVICE_PORT, SERVICE_PORT]);
    expect(nginx.volumes).toContain('./config/nginx/templates:/etc/nginx/templates:ro');
    expect(nginx.volumes).toContain(`tls:${environment.NGINX_TLS_DIR}:ro`);
    expect(services['tls-cert'].volumes).toEqual(['tls:/tls']);
    for (const name of [...REPLICAS, 'tls-cert']) {
      expect(nginx.depends_on?.[name]).toBeDefined();
    }
    const publicUrl = new URL(deployEnv.MCP_SERVICE_URL);
    expect(publicUrl.protocol).toBe('https:');
    expect(publicUrl.hostname).toBe(environment.NGINX_SERVER_NAME);
    expect(nginx.ports).toEqual([`${publicUrl.port}:${environment.NGINX_HTTPS_PORT}`]);
    const rendered = renderNginxTemplate(environment);
    expect(rendered).toContain(`listen ${environment.NGINX_HTTPS_PORT} ssl;`);
    expect(rendered).toContain('server superset-mcp-1:5008');
  });
});

describe('config/nginx: the TLS reverse proxy, fixed for MCP', () => {
  const site = renderNginxTemplate({
    NGINX_HTTPS_PORT: '443',
    NGINX_SERVER_NAME: 'mcp.example.com',
    NGINX_TLS_DIR: '/etc/nginx/tls',
    NGINX_UPSTREAM_SERVERS: 'server 127.0.0.1:5008;',
  });
  const mcpLocation = /location \/mcp \{([^}]*)\}/.exec(site)?.[1] ?? '';

  it('streams /mcp unbuffered with long timeouts and passes the caller’s Authorization', () => {
    expect(mcpLocation).toMatch(/proxy_buffering off;/);
    expect(mcpLocation).toMatch(/gzip off;/);
    expect(mcpLocation).toMatch(/proxy_read_timeout 3600s;/);
    expect(site).toMatch(/proxy_set_header Authorization \$http_authorization;/);
    expect(site).toMatch(/proxy_set_header X-Forwarded-Proto \$scheme;/);
    expect(site).toMatch(/proxy_next_upstream error timeout;/);
  });

  it('proxies every path the service serves to proxies: /mcp, OAuth metadata, /health, /ready', () => {
    const locations = [...site.matchAll(/location (?:[=^~]+ )?(\S+) \{/g)].map((m) => m[1]);
    expect(locations).toEqual([
      '/mcp',
      '/.well-known/oauth-protected-resource',
      '/.well-known/oauth-authorization-server',
      '/health',
      '/ready',
    ]);
  });
});

describe('config/kubernetes: Deployment, Service, Redis, Secret, HPA', () => {
  it('lists every manifest in its kustomization', () => {
    const kustomization = parse(read('config/kubernetes/kustomization.yaml')) as {
      resources: string[];
    };
    expect([...kustomization.resources].sort()).toEqual(
      kubernetesFiles.filter((file) => file !== 'kustomization.yaml').sort(),
    );
  });

  it('runs three replicas with resource limits, as a non-root user', () => {
    expect(deployment.spec.replicas).toBe(3);
    expect(container.resources.limits).toMatchObject({ cpu: expect.any(String), memory: /Mi$/ });
    expect(container.resources.requests).toMatchObject({ cpu: /m$/, memory: /Mi$/ });
    expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
  });

  it('gives the replicas settings and keys that load without a warning and that it acts on', async () => {
    const sources = (container.envFrom as Record<string, { name: string }>[]).map(
      (source) => source.configMapRef?.name ?? source.secretRef?.name,
    );
    expect(sources).toEqual([configMap.metadata.name, secret.metadata.name]);
    for (const name of Object.keys(k8sEnvironment)) {
      expect(KNOWN_SETTINGS.has(name) || name === 'SUPERSET_SECRET_KEY', name).toBe(true);
    }
    const { settings, warnings } = await loadSettings(k8sEnvironment, ROOT);
    expect(warnings).toEqual([]);
    expect(unhonouredBeyondEventStore(settings)).toEqual([]);
    expect(settings.SECRET_KEY).toBe(secret.stringData.SUPERSET_SECRET_KEY);
    expect(settings.MCP_SERVICE_PORT).toBe(SERVICE_PORT);
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(
      settings.MCP_SHUTDOWN_TIMEOUT_SECONDS,
    );
    const redisUrl = new URL(settings.MCP_STORE_CONFIG.CACHE_REDIS_URL ?? '');
    const redisService = k8s('Service', redisUrl.hostname);
    expect(redisService.spec.ports[0].port).toBe(Number(redisUrl.port));
  });

  it('probes and serves the port the service listens on', () => {
    expect(container.ports).toEqual([{ containerPort: SERVICE_PORT, name: 'http' }]);
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      expect(container[probe].httpGet.port, probe).toBe('http');
    }
    const service = k8s('Service', 'superset-mcp');
    expect(service.spec.ports[0].targetPort).toBe('http');
    expect(service.spec.selector).toEqual(deployment.spec.template.metadata.labels);
    const redis = k8s('Deployment', 'superset-mcp-redis');
    expect(k8s('Service', 'superset-mcp-redis').spec.selector).toEqual(
      redis.spec.template.metadata.labels,
    );
  });

  it('scales the Deployment with an HPA from its three replicas', () => {
    const hpa = k8s('HorizontalPodAutoscaler', 'superset-mcp');
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: deployment.metadata.name,
    });
    expect(hpa.spec.minReplicas).toBe(deployment.spec.replicas);
  });
});

describe('every path a health check or probe asks for is served by the service', () => {
  const data = temporaryDataDir();
  let service: ServiceProcess;

  beforeAll(async () => {
    service = await startServiceProcess({ SUPERSET_MCP_DATA_DIR: data.dir });
  });

  afterAll(async () => {
    await service?.stop();
    data.remove();
  });

  it('answers 200 on each probed path', async () => {
    expect(probedPaths.map(([, path]) => path).sort()).toEqual([
      '/health',
      '/health',
      '/health',
      '/ready',
    ]);
    for (const [where, path] of probedPaths) {
      const response = await fetch(`${service.origin}${path}`);
      expect(response.status, `${where}: ${path}`).toBe(200);
    }
    for (const path of ['/health', '/ready']) {
      expect(
        renderNginxTemplate({
          NGINX_HTTPS_PORT: '443',
          NGINX_SERVER_NAME: 'localhost',
          NGINX_TLS_DIR: '/tls',
          NGINX_UPSTREAM_SERVERS: '',
        }),
      ).toContain(`location = ${path} {`);
    }
  });
});
