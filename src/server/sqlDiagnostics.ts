import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Diagnostic, DiagnosticSeverity } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { lintMigrationSql, type SqlDialect, type SqlSeverity } from '../core/lint/sqlLint';
import { LOCKFILE, lockfileProvider } from '../core/migrations/folder';
import { DIAGNOSTIC_SOURCE } from '../shared/settings';

const SEVERITY: Record<SqlSeverity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** `<folder>/<migration>/migration.sql`: the linter's input. Other SQL files are not migrations. */
export function isMigrationFile(file: string): boolean {
  return path.basename(file) === 'migration.sql';
}

/** The provider the migrations folder is locked to (`migration_lock.toml` beside the migration folders). */
export function dialectOf(file: string): SqlDialect {
  let lockfile: string | null;
  try {
    lockfile = readFileSync(path.join(path.dirname(path.dirname(file)), LOCKFILE), 'utf8');
  } catch {
    lockfile = null;
  }
  const provider = lockfileProvider(lockfile);
  return provider === 'sqlite' || provider === 'postgresql' || provider === 'mysql' ? provider : 'generic';
}

/** The SQL rules' findings in an open migration.sql (unsaved text included), each linked to its rule's docs. */
export function sqlDiagnostics(document: TextDocument, file: string, rulesDoc: string): Diagnostic[] {
  const docs = pathToFileURL(rulesDoc).toString();
  return lintMigrationSql(document.getText(), dialectOf(file)).map((finding) => {
    const line = finding.line - 1;
    const lineLength = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '').length;
    return {
      range: { start: { line, character: finding.column - 1 }, end: { line, character: Math.max(finding.column, lineLength) } },
      severity: SEVERITY[finding.severity],
      source: DIAGNOSTIC_SOURCE,
      code: finding.rule,
      codeDescription: { href: `${docs}#${finding.rule}` },
      message: finding.message,
    };
  });
}
