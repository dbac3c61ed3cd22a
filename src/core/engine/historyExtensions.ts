import { get_config } from '@prisma/prisma-schema-wasm';
import type { SchemaFile } from '../types';

/**
 * Whether the engine compares PostgreSQL extensions for this schema: only with the `postgresqlExtensions`
 * preview feature (without it, the engine clears them from both sides of every diff).
 */
export function comparesExtensions(files: readonly SchemaFile[]): boolean {
  const { config } = JSON.parse(
    get_config(JSON.stringify({ prismaSchema: files.map((f) => [f.path, f.content]), datasourceOverrides: {}, ignoreEnvVarErrors: true, env: {} })),
  ) as { config?: { generators?: Array<{ previewFeatures?: string[] }> } };
  return (config?.generators ?? []).some((g) => (g.previewFeatures ?? []).some((f) => f.toLowerCase() === 'postgresqlextensions'));
}

/** What the history's replay has: the extensions a shadow database holds after the migrations ran. */
export const HISTORY_EXTENSIONS_QUERY = 'SELECT extname FROM pg_extension';

/**
 * A diff's output without the steps creating extensions that `present` (the `from` side's real
 * extensions) already has. The WASM engine describes a migration history's shadow database without the
 * schema's preview features (its driver-adapter shadow path drops them), so it sees no extension there
 * and plans every extension of the other side as added: `plpgsql`, and each one the history created.
 * Prisma's native engine, and the WASM engine's own `devDiagnostic`, pass the preview features and plan
 * none of them. Extensions the history lacks stay, so an extension created by hand is still drift.
 */
export function withoutPresentExtensions(
  output: string,
  present: ReadonlySet<string>,
  script: boolean,
): { output: string; hasChanges: boolean } {
  const remaining = script ? withoutCreateStatements(output, present) : withoutSummaryItems(output, present);
  if (remaining.trim() === '') return { output: script ? EMPTY_SCRIPT : '', hasChanges: false };
  return { output: remaining.trim(), hasChanges: true };
}

/** What the engine prints for a script without steps. */
const EMPTY_SCRIPT = '-- This is an empty migration.';

/** `-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS "name" …;` as the engine renders each step, with its blank line. */
function withoutCreateStatements(sql: string, present: ReadonlySet<string>): string {
  return sql.replace(/-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS "((?:[^"]|"")+)"[^\n]*;\n*/g, (step, quoted: string) =>
    present.has(quoted.replace(/""/g, '"')) ? '' : step,
  );
}

/** `[+] Added extensions\n  - name` blocks of the engine's summary (one per step); a block left empty goes. */
function withoutSummaryItems(summary: string, present: ReadonlySet<string>): string {
  return summary.replace(/\[\+\] Added extensions\n((?: {2}- [^\n]*(?:\n|$))+)\n*/g, (_block, items: string) => {
    const kept = items.split('\n').filter((line) => line !== '' && !present.has(line.slice('  - '.length)));
    return kept.length === 0 ? '' : `[+] Added extensions\n${kept.join('\n')}\n\n`;
  });
}
