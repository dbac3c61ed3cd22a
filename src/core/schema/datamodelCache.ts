import type { SchemaFile } from '../types';
import { type Datamodel, type DatamodelModel, readDatamodel } from './datamodel';
import { indexDeclarations, stripCommentsAndStrings } from './declarations';

/**
 * The datamodel of a schema being typed, re-parsing only the models whose text changed. Parsing a
 * 100-model schema takes ~10 ms, a keystroke changes one model: each model is parsed by Prisma on its own,
 * with the datasource, generators and enums, and without its relation fields (they name other models,
 * and are not columns). The result keeps what the analysis reads — columns, keys, unique constraints,
 * enums — and nothing about relations. Validity is not judged here: the engine's diff of the full text is.
 */
export class DatamodelCache {
  private preamble = '';
  private enums: Datamodel['enums'] = [];
  private models = new Map<string, DatamodelModel | undefined>();

  read(files: readonly SchemaFile[]): Datamodel {
    const blocks = splitBlocks(files);
    if (blocks === undefined) return readDatamodel(files);
    if (blocks.preamble !== this.preamble) {
      this.preamble = blocks.preamble;
      this.enums = readDatamodel([{ path: 'preamble.prisma', content: blocks.preamble }]).enums;
      this.models.clear();
    }
    const next = new Map<string, DatamodelModel | undefined>();
    for (const block of blocks.models) {
      const model = this.models.has(block) ? this.models.get(block) : readDatamodel([{ path: 'model.prisma', content: `${blocks.preamble}\n${block}` }]).models[0];
      // A block this cannot read alone: the whole schema, the slow and certain way.
      if (!model) return readDatamodel(files);
      next.set(block, model);
    }
    this.models = next;
    return { models: [...next.values()].filter((m): m is DatamodelModel => m !== undefined), enums: this.enums };
  }
}

/** The datasource, generator and enum blocks as one text; each model block without its relation fields. */
function splitBlocks(files: readonly SchemaFile[]): { preamble: string; models: string[] } | undefined {
  const declarations = indexDeclarations(files);
  const relationTargets = new Set(declarations.filter((d) => d.keyword === 'model' || d.keyword === 'view' || d.keyword === 'type').map((d) => d.name));
  if (declarations.some((d) => d.keyword === 'view' || d.keyword === 'type')) return undefined;
  const preamble: string[] = [];
  const models: string[] = [];
  for (const file of files) {
    const lines = file.content.split('\n');
    const code = stripCommentsAndStrings(file.content).split('\n');
    for (const block of declarations.filter((d) => d.position.file === file.path)) {
      const range = lines.slice(block.position.line - 1, block.endLine);
      if (block.keyword !== 'model') {
        preamble.push(range.join('\n'));
        continue;
      }
      const kept = range.filter((_, i) => {
        const field = /^\s*[A-Za-z_]\w*\s+([A-Za-z_][\w.]*)/.exec(code[block.position.line - 1 + i] ?? '');
        return i === 0 || !field || !relationTargets.has(field[1]);
      });
      models.push(kept.join('\n'));
    }
  }
  return { preamble: preamble.join('\n'), models };
}
