import { getDMMF } from '@prisma/internals';
import { MigrateError } from '../errors';
import type { SchemaFile } from '../types';

/** A model as the database sees it: its table and its scalar columns (Prisma's parser says what they are). */
export interface TableShape {
  model: string;
  table: string;
  columns: ColumnShape[];
}

export interface ColumnShape {
  field: string;
  column: string;
  /** Prisma type, with `[]` for lists: two columns can only hold each other's data with equal shapes. */
  type: string;
}

/** The tables and columns a schema describes, from Prisma's own parser (DMMF). */
export async function tableShapes(files: readonly SchemaFile[]): Promise<TableShape[]> {
  let dmmf: Awaited<ReturnType<typeof getDMMF>>;
  try {
    dmmf = await getDMMF({ datamodel: files.map((f) => [f.path, f.content] as [string, string]) });
  } catch (error) {
    throw new MigrateError('schema', `The schema is not valid: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return dmmf.datamodel.models.map((model) => ({
    model: model.name,
    table: model.dbName ?? model.name,
    columns: model.fields
      .filter((field) => field.kind !== 'object')
      .map((field) => ({ field: field.name, column: field.dbName ?? field.name, type: `${field.type}${field.isList ? '[]' : ''}` })),
  }));
}
