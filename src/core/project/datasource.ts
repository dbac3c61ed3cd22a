import { type SchemaBlock, scanBlocks, type Span } from '../schema/schemaBlocks';
import { lineColumns } from '../text/lineColumns';
import type { PrismaProject, SchemaFile, SchemaPosition } from '../types';

/** Datasource properties Prisma 6 accepted and the 7.x engine rejects ("no longer supported in schema files"). */
const PRISMA6_URL_PROPERTIES: readonly string[] = ['url', 'directUrl', 'shadowDatabaseUrl'];

/** The first datasource block of the schema (Prisma allows one), in file order. */
export function findDatasource(files: readonly SchemaFile[]): SchemaBlock | undefined {
  for (const file of files) {
    const [block] = scanBlocks(file, 'datasource');
    if (block) return block;
  }
  return undefined;
}

/** What the 7.x engine must not see of the datasource: its Prisma 6 URL properties. */
export function urlPropertySpans(block: SchemaBlock): Span[] {
  return block.properties.filter((property) => PRISMA6_URL_PROPERTIES.includes(property.name));
}

/** 1-based position of a UTF-16 offset (what JavaScript strings, VS Code and Prisma's linter all count). */
export function positionOfOffset(file: SchemaFile, offset: number): SchemaPosition {
  return { file: file.path, ...lineColumns(file.content)(offset) };
}

/** Where findings about the database as a whole point: the datasource, which names it (else the schema's start). */
export function datasourceLocation(project: PrismaProject): SchemaPosition {
  return project.datasourcePosition ?? { file: project.schemaPath, line: 1, column: 1 };
}
