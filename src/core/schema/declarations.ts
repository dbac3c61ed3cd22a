import type { SchemaFile, SchemaPosition } from '../types';

export interface Declaration {
  keyword: string;
  name: string;
  position: SchemaPosition;
  /** The line of the closing brace (the last line while the block is unclosed). */
  endLine: number;
  /** Members (fields, enum values) by name; attributes (`@@…`) are not members. */
  members: Map<string, SchemaPosition>;
}

/**
 * Where each block and member is declared. The engine and DMMF say *what* exists but not *where*;
 * this lexical index (aware of comments and strings, nothing more) answers where, so findings and
 * diagnostics point at the user's text. Semantics always come from Prisma's own parser.
 */
export function indexDeclarations(files: readonly SchemaFile[]): Declaration[] {
  return files.flatMap((file) => indexFile(file));
}

export function findDeclaration(declarations: readonly Declaration[], keyword: string, name: string): Declaration | undefined {
  return declarations.find((d) => d.keyword === keyword && d.name === name);
}

function indexFile(file: SchemaFile): Declaration[] {
  const declarations: Declaration[] = [];
  let current: Declaration | undefined;
  const lines = stripCommentsAndStrings(file.content).split('\n');
  for (const [index, text] of lines.entries()) {
    const line = index + 1;
    if (!current) {
      const header = /^(\s*)(model|view|type|enum|datasource|generator)\s+([A-Za-z_][A-Za-z0-9_]*)\s*\{/.exec(text);
      if (header) {
        current = {
          keyword: header[2],
          name: header[3],
          position: { file: file.path, line, column: header[1].length + 1 },
          endLine: lines.length,
          members: new Map(),
        };
        declarations.push(current);
      }
      continue;
    }
    if (/^\s*\}/.test(text)) {
      current.endLine = line;
      current = undefined;
      continue;
    }
    const member = /^(\s*)([A-Za-z_][A-Za-z0-9_]*)/.exec(text);
    if (member && !current.members.has(member[2])) {
      current.members.set(member[2], { file: file.path, line, column: member[1].length + 1 });
    }
  }
  return declarations;
}

/** Blanks comments and string contents with spaces, keeping every offset and newline. */
export function stripCommentsAndStrings(text: string): string {
  let result = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      result += ' '.repeat(stop - i);
      i = stop;
    } else if (char === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== '\n') j += text[j] === '\\' && text[j + 1] !== '\n' ? 2 : 1;
      const closed = text[j] === '"';
      const stop = closed ? j + 1 : Math.min(j, text.length);
      result += '"' + ' '.repeat(stop - i - (closed ? 2 : 1)) + (closed ? '"' : '');
      i = stop;
    } else {
      result += char;
      i += 1;
    }
  }
  return result;
}
