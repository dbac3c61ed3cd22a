import path from 'node:path';
import { lintSchema } from '@prisma/internals/dist/engine-commands/lintSchema.js';
import { MigrateError, errorMessage } from '../errors';
import type { PrismaProject } from '../types';
import { positionOfOffset } from './datasource';

/**
 * The schema's first error as Prisma's own validator sees it (the text handed to the engine, so
 * Prisma 6 URL properties do not count), or null when it is valid. Parser errors come first, as in
 * Prisma's output. Offline and cheap: no engine, no database.
 */
export function validateSchema(project: PrismaProject): MigrateError | null {
  const schemas = project.engineSchemaFiles.map((file): [string, string] => [file.path, file.content]);
  let diagnostics: ReturnType<typeof lintSchema>;
  try {
    diagnostics = lintSchema({ schemas });
  } catch (error) {
    return new MigrateError('engine', `Prisma's schema validator failed: ${errorMessage(error)}`, { cause: error });
  }
  const first = diagnostics.find((diagnostic) => !diagnostic.is_warning);
  if (!first) return null;
  // Each diagnostic carries `file_name`, which lintSchema's declared type leaves out.
  const fileName = (first as { file_name?: string }).file_name;
  const file = project.engineSchemaFiles.find((f) => f.path === fileName) ?? project.engineSchemaFiles[0];
  const position = positionOfOffset(file, first.start);
  const shown = path.relative(project.root, file.path) || file.path;
  return new MigrateError('schema', `${shown}:${position.line}:${position.column}: ${first.text}`, {
    file: file.path,
    line: position.line,
  });
}
