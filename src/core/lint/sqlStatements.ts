import { lineColumns } from '../text/lineColumns';

/** A double-quoted identifier, as both SQLite and PostgreSQL read it. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** One SQL statement of a migration, with where it starts and what the linter matches against. */
export interface SqlStatement {
  /** The statement as written (comments inside kept), without the terminating `;` or comments after its last token. */
  text: string;
  /** 1-based line and column of its first token. */
  line: number;
  column: number;
  /** Upper-cased, single-spaced, with comments removed and every string literal replaced by `''`. */
  normalized: string;
  /** The string literals it contains, in order (`'a''b'` → `a'b`). */
  strings: string[];
  /** Its double-quoted tokens, in order: where each starts in `text` and what it says (`"a""b"` → `a"b`). */
  quoted: QuotedToken[];
}

export interface QuotedToken {
  offset: number;
  length: number;
  value: string;
}

export interface SqlComment {
  text: string;
  /** 1-based line it starts on. */
  line: number;
}

export interface SplitScript {
  statements: SqlStatement[];
  comments: SqlComment[];
}

/** A routine or trigger whose body is written inline (`BEGIN … ; … END`), as SQLite triggers and SQL-standard bodies are. */
const INLINE_BODY = /^CREATE (?:OR REPLACE )?(?:TEMP(?:ORARY)? )?(?:TRIGGER|FUNCTION|PROCEDURE)\b/;

/** Whether a `;` here is inside an inline body: its `BEGIN`s and `CASE`s are not all closed by an `END` yet. */
function insideBody(normalized: string): boolean {
  // A column named "end" or "case" is not a keyword.
  const upper = normalized.toUpperCase().replace(/"[^"]*"|`[^`]*`/g, ' ');
  if (!INLINE_BODY.test(upper.replace(/\s+/g, ' ').trim())) return false;
  const opened = (upper.match(/\b(?:BEGIN|CASE)\b/g) ?? []).length;
  const closed = (upper.match(/\bEND\b/g) ?? []).length;
  return opened > closed;
}

/**
 * Splits a migration script into statements at top-level `;`, skipping quotes, identifiers, line and
 * (nested) block comments, PostgreSQL dollar-quoted bodies and inline `BEGIN … END` bodies of triggers
 * and routines, so a `;` inside a body or a string never ends a statement. The engine, not this, diffs SQL.
 */
export function splitStatements(script: string): SplitScript {
  const statements: SqlStatement[] = [];
  const comments: SqlComment[] = [];
  let start = -1;
  /** Where the current statement's last token ends: a comment after it (a script's last statement often has no `;`) is not part of it. */
  let tokenEnd = 0;
  let normalized = '';
  let strings: string[] = [];
  let quoted: QuotedToken[] = [];
  let i = 0;
  const position = lineColumns(script);
  const begin = (offset: number) => {
    if (start < 0) start = offset;
  };
  const finish = () => {
    if (start >= 0) {
      statements.push({ text: script.slice(start, tokenEnd).trim(), ...position(start), normalized: normalized.replace(/\s+/g, ' ').trim().toUpperCase(), strings, quoted });
    }
    start = -1;
    normalized = '';
    strings = [];
    quoted = [];
  };

  while (i < script.length) {
    const char = script[i];
    const next = script[i + 1];
    if (char === '-' && next === '-') {
      const end = script.indexOf('\n', i);
      const stop = end < 0 ? script.length : end;
      comments.push({ text: script.slice(i + 2, stop).trim(), line: position(i).line });
      normalized += ' ';
      i = stop;
    } else if (char === '/' && next === '*') {
      let depth = 1;
      let j = i + 2;
      while (j < script.length && depth > 0) {
        if (script[j] === '/' && script[j + 1] === '*') (depth += 1), (j += 2);
        else if (script[j] === '*' && script[j + 1] === '/') (depth -= 1), (j += 2);
        else j += 1;
      }
      comments.push({ text: script.slice(i + 2, Math.max(i + 2, j - 2)).trim(), line: position(i).line });
      normalized += ' ';
      i = j;
    } else if (char === "'") {
      begin(i);
      let j = i + 1;
      let value = '';
      while (j < script.length) {
        if (script[j] === "'" && script[j + 1] === "'") (value += "'"), (j += 2);
        else if (script[j] === "'") break;
        else (value += script[j]), (j += 1);
      }
      strings.push(value);
      normalized += "''";
      i = tokenEnd = j + 1;
    } else if (char === '"' || char === '`') {
      begin(i);
      let end = script.indexOf(char, i + 1);
      while (end >= 0 && script[end + 1] === char) end = script.indexOf(char, end + 2);
      const stop = end < 0 ? script.length : end + 1;
      const token = script.slice(i, stop);
      if (char === '"') quoted.push({ offset: i - start, length: token.length, value: token.slice(1, end < 0 ? undefined : -1).replaceAll('""', '"') });
      normalized += token;
      i = tokenEnd = stop;
    } else if (char === '$' && /^\$[A-Za-z_]*\$/.test(script.slice(i, i + 64))) {
      begin(i);
      const tag = /^\$[A-Za-z_]*\$/.exec(script.slice(i, i + 64))![0];
      const end = script.indexOf(tag, i + tag.length);
      const stop = end < 0 ? script.length : end + tag.length;
      normalized += ' $BODY$ ';
      i = tokenEnd = stop;
    } else if (char === ';' && !insideBody(normalized)) {
      finish();
      i += 1;
    } else {
      if (!/\s/.test(char)) {
        begin(i);
        tokenEnd = i + 1;
      }
      normalized += char;
      i += 1;
    }
  }
  finish();
  return { statements, comments };
}
