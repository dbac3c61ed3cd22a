import { type Declaration, findDeclaration } from '../schema/declarations';
import type { SchemaLine as Line, SchemaLines } from '../schema/schemaLines';
import type { Fix } from './classify';

/** A replacement in a schema file; lines and columns 1-based, `end` exclusive. */
export interface TextEdit {
  file: string;
  start: { line: number; column: number };
  end: { line: number; column: number };
  newText: string;
}

export interface FixEdit {
  title: string;
  edits: TextEdit[];
}

/** Where the field's declaration ends, before any trailing comment. */
function contentEnd(line: Line): number {
  return line.code.replace(/\s+$/, '').length + 1;
}

const insertAt = (line: Line, column: number, newText: string): TextEdit => ({ file: line.file, start: { line: line.line, column }, end: { line: line.line, column }, newText });

/** Sets an attribute (`@map("x")`, `@@map("x")`) on the line: replaces the one there, or appends it. */
function setAttribute(line: Line, attribute: RegExp, text: string, prefix: string): TextEdit {
  const match = attribute.exec(line.code);
  if (match) return { file: line.file, start: { line: line.line, column: match.index + 1 }, end: { line: line.line, column: match.index + match[0].length + 1 }, newText: text };
  return insertAt(line, contentEnd(line), `${prefix}${text}`);
}

/** A new line before the block's closing brace, indented like its first member. */
function insertMember(lines: SchemaLines, block: Declaration, text: string): TextEdit | undefined {
  const first = [...block.members.values()][0];
  const indent = first ? ' '.repeat(first.column - 1) : '  ';
  const closing = lines.at(block.position.file, block.endLine);
  if (!closing) return undefined;
  return insertAt(closing, 1, `${indent}${text}\n`);
}

/**
 * The text edits of a quick fix in the current schema files, found through the declarations index.
 * Undefined when the schema no longer has the declaration the fix needs.
 */
export function fixEdits(fix: Fix, lines: SchemaLines, declarations: readonly Declaration[]): FixEdit | undefined {
  const model = findDeclaration(declarations, 'model', fix.model);
  if (!model) return undefined;
  const field = 'field' in fix && fix.kind !== 'restoreField' ? model.members.get(fix.field) : undefined;
  const fieldLine = field && lines.at(field.file, field.line);
  switch (fix.kind) {
    case 'mapField':
      return fieldLine && { title: `Keep the data: map \`${fix.field}\` to the existing column \`${fix.column}\` (@map)`, edits: [setAttribute(fieldLine, /@map\(\s*"[^"\n]*"\s*\)/, `@map("${fix.column}")`, ' ')] };
    case 'renameField': {
      if (!fieldLine || !field) return undefined;
      const start = { line: field.line, column: field.column };
      return { title: `Rename \`${fix.field}\` back to \`${fix.to}\``, edits: [{ file: fieldLine.file, start, end: { line: field.line, column: field.column + fix.field.length }, newText: fix.to }] };
    }
    case 'addDefault':
      return fieldLine && { title: `Add @default(${fix.value}) to \`${fix.field}\``, edits: [insertAt(fieldLine, contentEnd(fieldLine), ` @default(${fix.value})`)] };
    case 'makeOptional': {
      if (!fieldLine) return undefined;
      const type = /^(\s*[A-Za-z_]\w*\s+)([A-Za-z_][\w.]*)(\??)/.exec(fieldLine.code);
      if (!type || type[3] === '?') return undefined;
      return { title: `Make \`${fix.field}\` optional`, edits: [insertAt(fieldLine, type[1].length + type[2].length + 1, '?')] };
    }
    case 'mapModel': {
      const existing = [...Array(model.endLine - model.position.line).keys()]
        .map((i) => lines.at(model.position.file, model.position.line + 1 + i))
        .find((line) => line && /@@map\(/.test(line.code));
      const edit = existing ? setAttribute(existing, /@@map\(\s*"[^"\n]*"\s*\)/, `@@map("${fix.table}")`, ' ') : insertMember(lines, model, `@@map("${fix.table}")`);
      return edit && { title: `Keep the data: map \`${fix.model}\` to the existing table \`${fix.table}\` (@@map)`, edits: [edit] };
    }
    case 'restoreField': {
      const edit = insertMember(lines, model, fix.declaration);
      return edit && { title: `Restore the field: ${fix.declaration}`, edits: [edit] };
    }
  }
}
