const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** The page a person sees when they open the MCP endpoint in a browser. */
export function helloPage(endpoint: string, authEnabled: boolean): string {
  const desktop = JSON.stringify(
    {
      mcpServers: {
        superset: {
          args: [
            '-y',
            'mcp-remote',
            endpoint,
            ...(authEnabled ? ['--header', 'Authorization: Bearer ${SUPERSET_MCP_TOKEN}'] : []),
          ],
          command: 'npx',
          ...(authEnabled ? { env: { SUPERSET_MCP_TOKEN: '<your token>' } } : {}),
        },
      },
    },
    null,
    2,
  );
  const code = JSON.stringify(
    {
      mcpServers: {
        superset: {
          type: 'http',
          url: endpoint,
          ...(authEnabled ? { headers: { Authorization: 'Bearer <your token>' } } : {}),
        },
      },
    },
    null,
    2,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MCP API Endpoint</title>
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
pre{background:#f4f4f4;padding:1rem;overflow:auto}</style></head>
<body><h1>MCP API Endpoint</h1>
<p>This is the Model Context Protocol endpoint of <strong>superset-mcp</strong>. It is meant for AI assistants,
not for browsers: add it to your MCP client with one of the snippets below.</p>
<h2>Claude Desktop (<code>claude_desktop_config.json</code>)</h2><pre>${escapeHtml(desktop)}</pre>
<h2>Claude Code (<code>.mcp.json</code>)</h2><pre>${escapeHtml(code)}</pre>
<h2>curl</h2><pre>${escapeHtml(
    `curl -X POST ${endpoint} -H 'Content-Type: application/json'${
      authEnabled ? " -H 'Authorization: Bearer <your token>'" : ''
    } -d '{"jsonrpc": "2.0", "method": "tools/list", "id": 1}'`,
  )}</pre>
</body></html>`;
}
