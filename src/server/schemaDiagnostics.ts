import { pathToFileURL } from 'node:url';
import { type CodeAction, CodeActionKind, type Diagnostic, DiagnosticSeverity, type Hover, MarkupKind, type Position, type Range, type TextEdit } from 'vscode-languageserver/node';
import type { Severity } from '../core/check/findings';
import type { SchemaFinding } from '../core/schemaChanges/analyser';
import type { TextEdit as SchemaEdit } from '../core/schemaChanges/edits';
import { plainText } from '../core/text/plainText';
import { CREATE_MIGRATION_COMMAND, SHOW_SQL_COMMAND, type ShowSqlArgs } from '../shared/protocol';
import { DIAGNOSTIC_SOURCE } from '../shared/settings';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** What a diagnostic carries back to the server for its code actions. */
interface DiagnosticData {
  schemaPath: string;
  index: number;
}

const rangeOf = (finding: SchemaFinding): Range => ({
  start: { line: finding.line - 1, character: finding.column - 1 },
  end: { line: finding.end.line - 1, character: finding.end.column - 1 },
});

/** The findings of one file as diagnostics, each linked to its rule's documentation. */
export function schemaDiagnostics(findings: readonly SchemaFinding[], file: string, schemaPath: string, rulesDoc: string): Diagnostic[] {
  const docs = pathToFileURL(rulesDoc).toString();
  return findings.flatMap((finding, index) =>
    finding.file !== file
      ? []
      : [
          {
            range: rangeOf(finding),
            severity: SEVERITY[finding.severity],
            source: DIAGNOSTIC_SOURCE,
            code: finding.rule,
            codeDescription: { href: `${docs}#${finding.rule}` },
            message: plainText(finding.message),
            data: { schemaPath, index } satisfies DiagnosticData,
          },
        ],
  );
}

/** A diagnostic only this server published, with the finding it came from. */
export function findingOf(diagnostic: Diagnostic, schemaPath: string, findings: readonly SchemaFinding[]): SchemaFinding | undefined {
  const data = diagnostic.data as Partial<DiagnosticData> | undefined;
  if (diagnostic.source !== DIAGNOSTIC_SOURCE || data?.schemaPath !== schemaPath || typeof data.index !== 'number') return undefined;
  const finding = findings[data.index];
  return finding && finding.rule === diagnostic.code && finding.line - 1 === diagnostic.range.start.line ? finding : undefined;
}

const contains = (range: Range, position: Position) =>
  (position.line > range.start.line || (position.line === range.start.line && position.character >= range.start.character)) &&
  (position.line < range.end.line || (position.line === range.end.line && position.character <= range.end.character));

/**
 * The SQL of the steps under the cursor. The editor already shows the diagnostics' messages in the same
 * hover: this adds what the next migration would run for them.
 */
export function schemaHover(findings: readonly SchemaFinding[], file: string, position: Position): Hover | null {
  const here = findings.filter((f) => f.file === file && f.sql && contains(rangeOf(f), position));
  if (here.length === 0) return null;
  const lines = [...new Set(here.map((f) => f.sql.trim()))].join('\n\n').split('\n');
  // A hover that scrolls is not read: a SQLite table redefinition is dozens of lines, Show SQL has them all.
  const shown = lines.length > HOVER_SQL_LINES ? [...lines.slice(0, HOVER_SQL_LINES - 1), `-- … ${lines.length - HOVER_SQL_LINES + 1} more lines: Show SQL for This Change`] : lines;
  const rules = [...new Set(here.map((f) => `\`${f.rule}\``))].join(', ');
  return { contents: { kind: MarkupKind.Markdown, value: `The next migration would run (${rules}):\n\n\`\`\`sql\n${shown.join('\n')}\n\`\`\`` }, range: rangeOf(here[0]) };
}

const HOVER_SQL_LINES = 12;

/** The document a code action was asked for: its file, and its URI as the client spells it. */
export interface OpenDocument {
  file: string;
  uri: string;
}

/** The quick fixes of a finding, then "Create Migration…" and "Show SQL" for any change. */
export function schemaCodeActions(finding: SchemaFinding, diagnostic: Diagnostic, schemaPath: string, document: OpenDocument): CodeAction[] {
  const fixes = finding.fixes.map(
    (fix, i): CodeAction => ({
      title: plainText(fix.title),
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      isPreferred: i === 0 && finding.severity !== 'info',
      edit: { changes: groupEdits(fix.edits, document) },
    }),
  );
  const commands: CodeAction[] = [
    { title: 'Create Migration…', kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title: 'Create Migration…', command: CREATE_MIGRATION_COMMAND, arguments: [schemaPath] } },
  ];
  if (finding.sql) {
    const args: ShowSqlArgs = { title: `${finding.subject.table} — next migration.sql`, sql: `-- ${finding.message}\n\n${finding.sql.trim()}\n` };
    commands.push({ title: 'Show SQL for This Change', kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title: 'Show SQL for This Change', command: SHOW_SQL_COMMAND, arguments: [args] } });
  }
  return [...fixes, ...commands];
}

/**
 * Edits keyed by URI. The open document's edits use the client's own URI: a URI spelled otherwise (another
 * encoding, a drive letter's case) is another resource to VS Code, which applies the edit to the file on
 * disk and saves it (`files.refactoring.autoSave`) instead of leaving an undoable change in the editor.
 */
function groupEdits(edits: readonly SchemaEdit[], document: OpenDocument): Record<string, TextEdit[]> {
  const changes: Record<string, TextEdit[]> = {};
  for (const edit of edits) {
    const uri = edit.file === document.file ? document.uri : pathToFileURL(edit.file).toString();
    (changes[uri] ??= []).push({
      range: { start: { line: edit.start.line - 1, character: edit.start.column - 1 }, end: { line: edit.end.line - 1, character: edit.end.column - 1 } },
      newText: edit.newText,
    });
  }
  return changes;
}
