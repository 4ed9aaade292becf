import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The nginx site the deployment ships; docker-compose.yml mounts its folder as the image's templates. */
export const NGINX_TEMPLATE = resolve(
  __dirname,
  '..',
  '..',
  'config',
  'nginx',
  'templates',
  'superset-mcp.conf.template',
);

/** The `${NAME}` variables the template uses (nginx's own `$name` variables have no braces). */
export function nginxTemplateVariables(): string[] {
  const text = readFileSync(NGINX_TEMPLATE, 'utf8').replace(/^\s*#.*$/gm, '');
  return [...new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]))].sort();
}

/** The template with its variables replaced, as the nginx image's envsubst step writes it. */
export function renderNginxTemplate(values: Record<string, string>): string {
  return readFileSync(NGINX_TEMPLATE, 'utf8').replace(/\$\{(\w+)\}/g, (_whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`the nginx template needs ${name}`);
    return value;
  });
}
