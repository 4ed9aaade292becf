#!/usr/bin/env node
// Page latency of the list and get tools as the metadata database grows: two temporary Postgres
// metadata databases, the demo content plus SMALL and plus LARGE generated charts and dashboards
// (owners, dataset perms, dashboard_slices links, so the access filters have real work), one built
// service per database and user started side by side, every case measured alternately on both.
// Measured twice in the same run: on Superset's schema as it ships, then again after adding the
// indexes `superset-mcp indexes --apply` creates to both databases. Run by `npm run bench` (which builds
// first); BENCH_LARGE / BENCH_ROUNDS / BENCH_USERS override the sizes, SMCP_E2E_ROOT the build.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import pg from 'pg';

const { Client: PgClient } = pg;

// SMCP_E2E_ROOT, as for the e2e tests: a build elsewhere, so a rebuild here cannot pull dist/ away.
const ROOT = process.env.SMCP_E2E_ROOT ?? resolve(fileURLToPath(import.meta.url), '..', '..');
const fromDist = (path) => import(pathToFileURL(join(ROOT, 'dist', path)).href);
const { loadDemoContent } = await fromDist('demo/demo-loader.js');
const { createExamplesDatabase } = await fromDist('demo/examples-data.js');
const { createMetadataSchema } = await fromDist('demo/metadata-schema.js');
const { postgresRunner } = await fromDist('demo/sql-runner.js');

/** A uniquely named database on the local Postgres, dropped by `drop()`. */
async function createTemporaryPostgresDatabase() {
  const server = { host: '127.0.0.1', port: 5432, user: 'postgres' };
  const name = `smcp_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql) => {
    const client = new PgClient({ ...server, database: 'postgres' });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const client = new PgClient({ ...server, database: name });
  await client.connect();
  return {
    client,
    drop: async () => {
      await client.end();
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
    name,
    uri: `postgresql://${server.user}@${server.host}:${server.port}/${name}`,
  };
}
const SMALL = 10;
const LARGE = Number(process.env.BENCH_LARGE ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const WARMUP = 5;
const USERS = (process.env.BENCH_USERS ?? 'admin,alpha,sales').split(',');
const CHARTS_PER_DASHBOARD = 3;

/** Adds `count` charts and `count` dashboards after the demo content, the way Superset stores them. */
async function generateContent(client, count, summary) {
  const creators = [summary.userIds.admin, summary.userIds.alpha, summary.userIds.owner];
  const [{ first_chart: firstChart }] = (
    await client.query('SELECT COALESCE(MAX(id), 0) + 1 AS first_chart FROM slices')
  ).rows;
  const [{ first_dashboard: firstDashboard }] = (
    await client.query('SELECT COALESCE(MAX(id), 0) + 1 AS first_dashboard FROM dashboards')
  ).rows;
  await client.query('BEGIN');
  await client.query(
    `WITH datasets AS (
       SELECT t.*, (ROW_NUMBER() OVER (ORDER BY t.id) - 1)::int AS k, (COUNT(*) OVER ())::int AS n
       FROM tables t
     )
     INSERT INTO slices (created_on, changed_on, slice_name, datasource_type, datasource_name,
       viz_type, params, created_by_fk, changed_by_fk, description, perm, datasource_id,
       schema_perm, catalog_perm, uuid, last_saved_at, last_saved_by_fk, is_managed_externally)
     SELECT stamp, stamp,
       (ARRAY['Revenue', 'Sessions', 'Births', 'Energy', 'Orders'])[1 + g % 5] || ' chart ' || g,
       'table', d.schema || '.' || d.table_name, viz, json_build_object('viz_type', viz,
       'datasource', d.id || '__table', 'time_range', 'No filter', 'row_limit', 100)::text,
       creator, creator, CASE WHEN g % 3 = 0 THEN 'Generated for the scale benchmark' END,
       d.perm, d.id, d.schema_perm, d.catalog_perm, gen_random_uuid(), stamp, creator, false
     FROM generate_series(1, $1::int) AS g
     CROSS JOIN LATERAL (SELECT
       LOCALTIMESTAMP - g * INTERVAL '1 minute' AS stamp,
       (ARRAY['table', 'pie', 'big_number_total', 'echarts_timeseries_line'])[1 + (g / 5) % 4] AS viz,
       ($2::int[])[1 + g % 3] AS creator) AS x
     JOIN datasets d ON d.k = g % d.n`,
    [count, creators],
  );
  await client.query(
    'INSERT INTO slice_user (user_id, slice_id) SELECT created_by_fk, id FROM slices WHERE id >= $1',
    [firstChart],
  );
  await client.query(
    `INSERT INTO dashboards (created_on, changed_on, dashboard_title, position_json, created_by_fk,
       changed_by_fk, css, description, slug, json_metadata, published, uuid, is_managed_externally)
     SELECT stamp, stamp,
       (ARRAY['Sales', 'Traffic', 'Births', 'Energy', 'Operations'])[1 + g % 5] || ' dashboard ' || g,
       '{}', creator, creator, '', CASE WHEN g % 3 = 0 THEN 'Generated for the scale benchmark' END,
       'generated-' || g,
       '{"color_scheme": "supersetColors", "native_filter_configuration": [], "cross_filters_enabled": true}',
       g % 4 <> 0, gen_random_uuid(), false
     FROM generate_series(1, $1::int) AS g
     CROSS JOIN LATERAL (SELECT LOCALTIMESTAMP - g * INTERVAL '1 minute' AS stamp,
       ($2::int[])[1 + g % 3] AS creator) AS x`,
    [count, creators],
  );
  await client.query(
    'INSERT INTO dashboard_user (user_id, dashboard_id) SELECT created_by_fk, id FROM dashboards WHERE id >= $1',
    [firstDashboard],
  );
  await client.query(
    `INSERT INTO dashboard_slices (dashboard_id, slice_id)
     SELECT d.id, $3::int + ((d.id - $2::int) * $4::int + j) % $1::int
     FROM dashboards d CROSS JOIN generate_series(0, $4::int - 1) AS j
     WHERE d.id >= $2`,
    [count, firstDashboard, firstChart, CHARTS_PER_DASHBOARD],
  );
  await client.query(
    `UPDATE dashboards d SET position_json = (
       jsonb_build_object(
         'DASHBOARD_VERSION_KEY', 'v2',
         'ROOT_ID', jsonb_build_object('type', 'ROOT', 'id', 'ROOT_ID', 'children', jsonb_build_array('GRID_ID')),
         'GRID_ID', jsonb_build_object('type', 'GRID', 'id', 'GRID_ID', 'children', jsonb_build_array('ROW-1'),
           'parents', jsonb_build_array('ROOT_ID')),
         'ROW-1', jsonb_build_object('type', 'ROW', 'id', 'ROW-1', 'children', c.children,
           'parents', jsonb_build_array('ROOT_ID', 'GRID_ID'),
           'meta', jsonb_build_object('background', 'BACKGROUND_TRANSPARENT'))
       ) || c.components)::text
     FROM (
       SELECT ds.dashboard_id,
         jsonb_agg('CHART-' || ds.slice_id ORDER BY ds.slice_id) AS children,
         jsonb_object_agg('CHART-' || ds.slice_id, jsonb_build_object('type', 'CHART',
           'id', 'CHART-' || ds.slice_id, 'children', '[]'::jsonb,
           'parents', jsonb_build_array('ROOT_ID', 'GRID_ID', 'ROW-1'),
           'meta', jsonb_build_object('chartId', ds.slice_id, 'width', 4, 'height', 50,
             'sliceName', s.slice_name, 'uuid', s.uuid))) AS components
       FROM dashboard_slices ds JOIN slices s ON s.id = ds.slice_id
       WHERE ds.dashboard_id >= $1
       GROUP BY ds.dashboard_id
     ) c
     WHERE d.id = c.dashboard_id`,
    [firstDashboard],
  );
  // Datasets last, so the charts above spread over the demo's five. Each has its own perm, as
  // Superset names it, six columns, a metric and an owner.
  const [{ first_dataset: firstDataset }] = (
    await client.query('SELECT COALESCE(MAX(id), 0) + 1 AS first_dataset FROM tables')
  ).rows;
  // Ids given here so that `perm` is written with the row (an UPDATE afterwards would leave the
  // heap in an order no real table has).
  await client.query(
    `INSERT INTO tables (id, created_on, changed_on, table_name, database_id, schema, description,
       perm, schema_perm, uuid, created_by_fk, changed_by_fk, is_sqllab_view, is_managed_externally)
     SELECT id, stamp, stamp, name, d.database_id, d.schema,
       CASE WHEN g % 3 = 0 THEN 'Generated for the scale benchmark' END,
       '[' || d.database_name || '].[' || name || '](id:' || id || ')', d.schema_perm,
       gen_random_uuid(), creator, creator, false, false
     FROM generate_series(1, $1::int) AS g
     CROSS JOIN (SELECT t.database_id, t.schema, t.schema_perm, db.database_name
       FROM tables t JOIN dbs db ON db.id = t.database_id ORDER BY t.id LIMIT 1) AS d
     CROSS JOIN LATERAL (SELECT $3::int + g - 1 AS id, LOCALTIMESTAMP - g * INTERVAL '1 minute' AS stamp,
       (ARRAY['orders', 'sessions', 'births', 'energy', 'revenue'])[1 + g % 5] || '_' || g AS name,
       ($2::int[])[1 + g % 3] AS creator) AS x`,
    [count, creators, firstDataset],
  );
  await client.query("SELECT setval(pg_get_serial_sequence('tables', 'id'), MAX(id)) FROM tables");
  await client.query(
    `INSERT INTO table_columns (created_on, changed_on, table_id, column_name, type, is_dttm,
       is_active, groupby, filterable)
     SELECT t.created_on, t.changed_on, t.id, c.name, c.type, c.name = 'ds', true, true, true
     FROM tables t CROSS JOIN (VALUES ('ds', 'TIMESTAMP'), ('region', 'VARCHAR'),
       ('product', 'VARCHAR'), ('channel', 'VARCHAR'), ('amount', 'DOUBLE PRECISION'),
       ('quantity', 'BIGINT')) AS c(name, type)
     WHERE t.id >= $1`,
    [firstDataset],
  );
  await client.query(
    `INSERT INTO sql_metrics (created_on, changed_on, table_id, metric_name, expression)
     SELECT created_on, changed_on, id, 'count', 'COUNT(*)' FROM tables WHERE id >= $1`,
    [firstDataset],
  );
  await client.query(
    'INSERT INTO sqlatable_user (user_id, table_id) SELECT created_by_fk, id FROM tables WHERE id >= $1',
    [firstDataset],
  );
  await client.query('COMMIT');
  // What autovacuum does to a real metadata database: statistics and the visibility map.
  await client.query('VACUUM ANALYZE');
}

/** What an operator does: `superset-mcp indexes --apply`, then statistics for the new indexes. */
async function addSuggestedIndexes(database) {
  const output = await new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'indexes', '--apply'], {
      env: {
        HOME: process.env.HOME,
        PATH: process.env.PATH,
        SQLALCHEMY_DATABASE_URI: database.uri,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (chunk) => (text += chunk));
    child.stderr.on('data', (chunk) => (text += chunk));
    child.once('exit', (code) =>
      code === 0 ? resolveRun(text) : reject(new Error(`indexes --apply exited ${code}: ${text}`)),
    );
  });
  await database.client.query('VACUUM ANALYZE');
  return output;
}

async function createMetadataDatabase(count, examplesUri, created) {
  const database = await createTemporaryPostgresDatabase();
  created.push(database);
  const run = postgresRunner(database.client);
  await createMetadataSchema(run, 'postgres');
  const summary = await loadDemoContent(run, 'postgres', { examplesUri });
  await generateContent(database.client, count, summary);
  const [counts] = (
    await database.client.query(
      'SELECT (SELECT COUNT(*) FROM slices)::int AS charts, (SELECT COUNT(*) FROM dashboards)::int AS dashboards, (SELECT COUNT(*) FROM tables)::int AS datasets',
    )
  ).rows;
  return { counts, database, summary };
}

async function startService(uri, username) {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'run', '--port', '0'], {
    env: {
      HOME: process.env.HOME,
      MCP_DEV_USERNAME: username,
      NO_COLOR: '1',
      PATH: process.env.PATH,
      SQLALCHEMY_DATABASE_URI: uri,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise((resolveUrl, reject) => {
    const onData = (chunk) => {
      output += chunk;
      const match = /(?:MCP endpoint:|Serving MCP at) (http:\/\/\S+\/mcp)/.exec(output);
      if (match) resolveUrl(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`service exited ${code}:\n${output}`)));
  });
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  const tools = new Set((await client.listTools()).tools.map((tool) => tool.name));
  return {
    call: async (name, request) => {
      const result = await client.callTool({ arguments: { request }, name });
      const json = JSON.parse(result.content[0].text);
      if (result.isError || json.error_type) {
        throw new Error(`${name} ${JSON.stringify(request)}: ${result.content[0].text}`);
      }
      return json;
    },
    stop: async () => {
      await client.close();
      child.kill('SIGTERM');
    },
    tools,
  };
}

const percentile = (sorted, fraction) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];

/** Times one request on both services, alternating, so drift hits both sides alike. */
async function measurePair(small, large, name, smallRequest, largeRequest) {
  for (let i = 0; i < WARMUP; i++) {
    await small.call(name, smallRequest);
    await large.call(name, largeRequest);
  }
  const samples = { large: [], small: [] };
  const results = {};
  for (let i = 0; i < ROUNDS; i++) {
    for (const [side, service, request] of [
      ['small', small, smallRequest],
      ['large', large, largeRequest],
    ]) {
      const start = process.hrtime.bigint();
      results[side] = await service.call(name, request);
      samples[side].push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  const summary = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9) };
  };
  return { large: summary(samples.large), results, small: summary(samples.small) };
}

/** Per model: its list and get tools, the response's items key, a search term and a filter. */
const MODELS = [
  {
    filter: { col: 'viz_type', opr: 'eq', value: 'pie' },
    get: 'get_chart_info',
    items: 'charts',
    list: 'list_charts',
    search: 'revenue',
  },
  {
    filter: { col: 'table_name', opr: 'sw', value: 'orders' },
    get: 'get_dataset_info',
    items: 'datasets',
    list: 'list_datasets',
    search: 'orders',
  },
  {
    filter: { col: 'dashboard_title', opr: 'sw', value: 'Sales' },
    get: 'get_dashboard_info',
    items: 'dashboards',
    list: 'list_dashboards',
    search: 'sales',
  },
];

/** The cases of one user: what is asked of the small and of the large database. */
async function casesFor(small, large) {
  const cases = [];
  const middle = async (service, tool) => {
    const first = await service.call(tool, { page_size: 10 });
    return Math.max(1, Math.ceil(first.total_pages / 2));
  };
  const visibleId = async (service, tool, items) => {
    const first = await service.call(tool, { page: await middle(service, tool), page_size: 10 });
    return first[items][0]?.id;
  };
  for (const { filter, get, items, list, search } of MODELS) {
    if (!small.tools.has(list)) continue;
    const filters = [filter];
    cases.push(
      [list, 'first page', {}, {}],
      [
        list,
        'middle page',
        { page: await middle(small, list) },
        { page: await middle(large, list) },
      ],
      [list, 'search', { search }, { search }],
      [list, `filter ${filter.col} ${filter.opr}`, { filters }, { filters }],
    );
    const smallId = await visibleId(small, list, items);
    const largeId = await visibleId(large, list, items);
    if (smallId && largeId && small.tools.has(get)) {
      cases.push([get, 'by id', { identifier: smallId }, { identifier: largeId }]);
    }
  }
  return cases;
}

const format = (ms) => ms.toFixed(1);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Every case for every user, one pair of services (small, large) per user. */
async function measureAll(small, large) {
  const rows = [];
  for (const user of USERS) {
    const started = await Promise.allSettled([
      startService(small.database.uri, user),
      startService(large.database.uri, user),
    ]);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) {
      await Promise.all(
        started.filter((result) => result.status === 'fulfilled').map(({ value }) => value.stop()),
      );
      throw failed.reason;
    }
    const services = started.map((result) => result.value);
    try {
      for (const [tool, label, smallRequest, largeRequest] of await casesFor(...services)) {
        const pair = await measurePair(...services, tool, smallRequest, largeRequest);
        rows.push({ label, pair, ratio: pair.large.p50 / pair.small.p50, tool, user });
      }
    } finally {
      await Promise.all(services.map((service) => service.stop()));
    }
  }
  return rows;
}

function printTable(title, rows) {
  console.log(`\n## ${title}`);
  console.log(
    '| user | tool | case | visible small | visible large | small p50 ms | large p50 ms | large p90 ms | ratio |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const { label, pair, ratio, tool, user } of rows) {
    const visible = (result) =>
      result.total_count === undefined
        ? '-'
        : `${result.total_count_is_lower_bound ? '>' : ''}${result.total_count}`;
    console.log(
      `| ${user} | ${tool} | ${label} | ${visible(pair.results.small)} | ${visible(pair.results.large)} | ` +
        `${format(pair.small.p50)} | ${format(pair.large.p50)} | ${format(pair.large.p90)} | ` +
        `${ratio.toFixed(2)} |`,
    );
  }
  const ratios = rows.map((row) => row.ratio);
  console.log(
    `\nratio large/small: median ${median(ratios).toFixed(2)}, ` +
      `max ${Math.max(...ratios).toFixed(2)} over ${rows.length} cases`,
  );
}

const dataDir = mkdtempSync(join(tmpdir(), 'smcp-bench-scale-'));
const databases = [];
try {
  const examplesFile = join(dataDir, 'examples.db');
  createExamplesDatabase(examplesFile);
  const examplesUri = `sqlite:///${examplesFile}`;
  const started = Date.now();
  const [small, large] = await Promise.all(
    [SMALL, LARGE].map((count) => createMetadataDatabase(count, examplesUri, databases)),
  );
  console.log(
    `metadata databases: small ${small.counts.charts} charts / ${small.counts.dashboards} dashboards / ` +
      `${small.counts.datasets} datasets, large ${large.counts.charts} charts / ` +
      `${large.counts.dashboards} dashboards / ${large.counts.datasets} datasets ` +
      `(built in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  console.log(
    `${ROUNDS} calls per case and side after ${WARMUP} warm-up, small and large alternating; ` +
      `Node ${process.versions.node}; ratio = large p50 / small p50`,
  );

  printTable("Superset's schema as shipped", await measureAll(small, large));
  const [applied] = await Promise.all(
    [small, large].map(({ database }) => addSuggestedIndexes(database)),
  );
  console.log(`\nsuperset-mcp indexes --apply:\n${applied.trim()}`);
  printTable('With the suggested indexes', await measureAll(small, large));
} finally {
  await Promise.all(databases.map((database) => database.drop()));
  rmSync(dataDir, { force: true, recursive: true });
}
