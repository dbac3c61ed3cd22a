import { lineColumns } from '../text/lineColumns';
import type { SchemaFile, SchemaPosition } from '../types';

/** The value of a block property, as far as discovery cares. */
export type PropertyValue =
  | { kind: 'env'; name: string }
  | { kind: 'literal'; value: string }
  | { kind: 'other' };

export interface BlockProperty {
  name: string;
  value: PropertyValue;
  /** The value's tokens (strings, identifiers, punctuation), line breaks inside brackets left out. */
  tokens: readonly Token[];
  /** Offsets in the file: from the property name to the end of its value (comments after it excluded). */
  start: number;
  end: number;
  position: SchemaPosition;
}

/** A top-level `datasource` or `generator` block. */
export interface SchemaBlock {
  file: SchemaFile;
  /** Where the keyword is. */
  position: SchemaPosition;
  properties: BlockProperty[];
}

/** A stretch of a file's text, as UTF-16 offsets. */
export interface Span {
  start: number;
  end: number;
}

type TokenKind = 'ident' | 'string' | 'punct' | 'newline';

export interface Token extends Span {
  kind: TokenKind;
  /** The identifier or punctuation, or a string's decoded value. */
  text: string;
}

/** Every top-level block of the file opened by `keyword`, in file order. */
export function scanBlocks(file: SchemaFile, keyword: 'datasource' | 'generator'): SchemaBlock[] {
  const tokens = tokenize(file.content);
  const lineColumnOf = lineColumns(file.content);
  const positionOf = (offset: number): SchemaPosition => ({ file: file.path, ...lineColumnOf(offset) });
  const blocks: SchemaBlock[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i];
    if (isPunct(token, '{')) depth += 1;
    else if (isPunct(token, '}')) depth = Math.max(0, depth - 1);
    else if (
      depth === 0 &&
      token.kind === 'ident' &&
      token.text === keyword &&
      startsLine(tokens, i) &&
      tokens[i + 1]?.kind === 'ident' &&
      isPunct(tokens[i + 2], '{')
    ) {
      blocks.push({ file, position: positionOf(token.start), properties: scanProperties(tokens, i + 3, positionOf) });
    }
  }
  return blocks;
}

/**
 * The text with the spans replaced by spaces. Line breaks stay, so every line and column Prisma reports on
 * the result still points at the same place in the original.
 */
export function blankSpans(content: string, spans: readonly Span[]): string {
  let result = '';
  let from = 0;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    result += content.slice(from, span.start) + content.slice(span.start, span.end).replace(/[^\r\n]/g, ' ');
    from = span.end;
  }
  return result + content.slice(from);
}

/**
 * Lexes just enough of the Prisma schema language to find the config blocks and their properties:
 * identifiers, strings, punctuation and line breaks; comments and whitespace are skipped. Semantics are
 * left to Prisma's own parser (see `validateSchema`) — this only needs to know *where* things are.
 */
function tokenize(content: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < content.length) {
    const char = content[i];
    if (char === '\n') {
      tokens.push({ kind: 'newline', text: '\n', start: i, end: i + 1 });
      i += 1;
    } else if (char === '/' && content[i + 1] === '/') {
      while (i < content.length && content[i] !== '\n') i += 1;
    } else if (char === '"') {
      const start = i;
      i += 1;
      while (i < content.length && content[i] !== '"' && content[i] !== '\n') i += content[i] === '\\' ? 2 : 1;
      if (content[i] === '"') i += 1;
      tokens.push({ kind: 'string', text: decodeString(content.slice(start, i)), start, end: i });
    } else if (/[A-Za-z_]/.test(char)) {
      const start = i;
      while (i < content.length && /[A-Za-z0-9_]/.test(content[i])) i += 1;
      tokens.push({ kind: 'ident', text: content.slice(start, i), start, end: i });
    } else if (/\s/.test(char)) {
      i += 1;
    } else {
      tokens.push({ kind: 'punct', text: char, start: i, end: i + 1 });
      i += 1;
    }
  }
  return tokens;
}

function decodeString(literal: string): string {
  try {
    return JSON.parse(literal) as string;
  } catch {
    // Unterminated or with escapes JSON does not know: the raw text is the best guess.
    return literal.replace(/^"|"$/g, '');
  }
}

/** `name = value` lines up to the block's closing brace; a value may span lines inside brackets. */
function scanProperties(tokens: Token[], from: number, positionOf: (offset: number) => SchemaPosition): BlockProperty[] {
  const properties: BlockProperty[] = [];
  let i = from;
  while (i < tokens.length) {
    const token = tokens[i];
    if (isPunct(token, '}')) break;
    if (token.kind === 'ident' && startsLine(tokens, i) && isPunct(tokens[i + 1], '=')) {
      const valueStart = i + 2;
      let j = valueStart;
      let nesting = 0;
      while (j < tokens.length) {
        const t = tokens[j];
        if (nesting === 0 && (t.kind === 'newline' || isPunct(t, '}'))) break;
        if (t.kind === 'punct' && '([{'.includes(t.text)) nesting += 1;
        if (t.kind === 'punct' && ')]}'.includes(t.text)) nesting -= 1;
        j += 1;
      }
      const valueTokens = tokens.slice(valueStart, j).filter((t) => t.kind !== 'newline');
      const end = valueTokens.length > 0 ? valueTokens[valueTokens.length - 1].end : tokens[i + 1].end;
      properties.push({
        name: token.text,
        value: interpretValue(valueTokens),
        tokens: valueTokens,
        start: token.start,
        end,
        position: positionOf(token.start),
      });
      i = j;
    } else {
      i += 1;
    }
  }
  return properties;
}

function interpretValue(tokens: Token[]): PropertyValue {
  const [first, second, third, fourth] = tokens;
  if (tokens.length === 1 && first.kind === 'string') return { kind: 'literal', value: first.text };
  if (
    tokens.length === 4 &&
    first.kind === 'ident' &&
    first.text === 'env' &&
    isPunct(second, '(') &&
    third.kind === 'string' &&
    isPunct(fourth, ')')
  ) {
    return { kind: 'env', name: third.text };
  }
  return { kind: 'other' };
}

function startsLine(tokens: Token[], index: number): boolean {
  const previous = tokens[index - 1];
  return previous === undefined || previous.kind === 'newline' || isPunct(previous, '{');
}

function isPunct(token: Token | undefined, char: string): boolean {
  return token?.kind === 'punct' && token.text === char;
}

