import type { SchemaFile } from '../types';
import { stripCommentsAndStrings } from './declarations';

/** One line of a schema file, as written and with comments and string contents blanked. */
export interface SchemaLine {
  file: string;
  /** 1-based. */
  line: number;
  text: string;
  code: string;
}

/** The lines of schema files, each file split (and blanked) once however many lookups an analysis makes. */
export class SchemaLines {
  private readonly split = new Map<string, { text: string[]; code: string[] }>();

  constructor(private readonly files: readonly SchemaFile[]) {}

  at(file: string, line: number): SchemaLine | undefined {
    let lines = this.split.get(file);
    if (!lines) {
      const source = this.files.find((f) => f.path === file);
      if (!source) return undefined;
      lines = { text: source.content.split('\n'), code: stripCommentsAndStrings(source.content).split('\n') };
      this.split.set(file, lines);
    }
    const text = lines.text[line - 1];
    const code = lines.code[line - 1];
    return text === undefined || code === undefined ? undefined : { file, line, text: text.replace(/\r$/, ''), code: code.replace(/\r$/, '') };
  }
}
