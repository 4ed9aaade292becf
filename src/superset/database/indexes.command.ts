import { NestFactory } from '@nestjs/core';

import { MetadataDatabaseModule } from './metadata-database.module.js';
import { MetadataIndexAdvisor } from './metadata-index-advisor.service.js';

/**
 * `superset-mcp indexes [--apply]`: prints, as an SQL script, the suggested indexes the metadata
 * database at `uri` lacks, or creates them. Returns the text for standard output.
 */
export async function runIndexesCommand(uri: string, apply: boolean): Promise<string> {
  // abortOnError false: a database that cannot be opened is reported by the CLI, not a silent exit.
  const context = await NestFactory.createApplicationContext(MetadataDatabaseModule.forRoot(uri), {
    abortOnError: false,
    logger: false,
  });
  try {
    const advisor = context.get(MetadataIndexAdvisor);
    if (apply) {
      const applied = await advisor.apply();
      return applied.length === 0
        ? '-- every suggested index is present; nothing to create\n'
        : applied.map((statement) => `${statement};\n`).join('') +
            `-- created ${applied.length} index(es)\n`;
    }
    const missing = advisor.missing();
    if (missing.length === 0) return '-- every suggested index is present\n';
    return (
      `-- ${missing.length} suggested index(es) missing; run as the owner of Superset's tables, ` +
      `or use 'superset-mcp indexes --apply'\n` +
      missing.map((index) => `-- ${index.serves}\n${advisor.statement(index)};\n`).join('')
    );
  } finally {
    await context.close();
  }
}
