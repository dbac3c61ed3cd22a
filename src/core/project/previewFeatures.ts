import { lintSchema } from '@prisma/internals/dist/engine-commands/lintSchema.js';
import { scanBlocks, type Span, type Token } from '../schema/schemaBlocks';
import { lineColumns } from '../text/lineColumns';
import type { IgnoredPreviewFeature, Provider, SchemaFile } from '../types';

/** The preview features of the schema's generators the bundled engine rejects, and the text to blank so it never sees them. */
export interface UnknownPreviewFeatures {
  ignored: IgnoredPreviewFeature[];
  /** By file path. */
  spans: Map<string, Span[]>;
}

/**
 * Prisma 6 projects name preview features Prisma 7 removed (`metrics`, …): the 7.x engine then refuses the
 * whole schema ("The preview feature "metrics" is not known"). A generator's features only matter to
 * the client it generates, so the engine's copy of the text leaves them out; the features it merely
 * calls deprecated (`tracing`, `fullTextIndex`, …) it accepts and keeps.
 */
export function unknownPreviewFeatures(files: readonly SchemaFile[], provider: Provider): UnknownPreviewFeatures {
  const ignored: IgnoredPreviewFeature[] = [];
  const spans = new Map<string, Span[]>();
  for (const file of files) {
    const positionOf = lineColumns(file.content);
    for (const generator of scanBlocks(file, 'generator')) {
      for (const property of generator.properties) {
        if (property.name !== 'previewFeatures') continue;
        const names = property.tokens.filter((t) => t.kind === 'string');
        const unknown = names.filter((t) => !isKnown(t.text, provider));
        if (unknown.length === 0) continue;
        const blanked = unknown.length === names.length ? [property] : [...unknown, ...orphanedCommas(property.tokens, new Set(unknown))];
        spans.set(file.path, [...(spans.get(file.path) ?? []), ...blanked]);
        for (const token of unknown) {
          ignored.push({ feature: token.text, file: file.path, ...positionOf(token.start), end: positionOf(token.end) });
        }
      }
    }
  }
  return { ignored, spans };
}

/** The commas of a list that no longer sit between two kept entries once `dropped` are gone. */
function orphanedCommas(tokens: readonly Token[], dropped: ReadonlySet<Token>): Token[] {
  const isKept = (token: Token) => token.kind === 'string' && !dropped.has(token);
  return tokens.filter((token, i) => {
    if (token.kind !== 'punct' || token.text !== ',') return false;
    const before = tokens.slice(0, i).filter((t) => t.kind === 'string').at(-1);
    return !(before && isKept(before) && tokens.slice(i + 1).some(isKept));
  });
}

const known = new Map<string, boolean>();

/** Whether Prisma's validator (the engine's own, same commit) accepts the feature for this provider, deprecated or not. */
function isKnown(feature: string, provider: Provider): boolean {
  const key = `${provider}\0${feature}`;
  let answer = known.get(key);
  if (answer === undefined) {
    const probe = `generator probe {\n  provider        = "probe"\n  previewFeatures = [${JSON.stringify(feature)}]\n}\n\ndatasource db {\n  provider = "${provider}"\n}\n`;
    answer = !lintSchema({ schemas: [['probe.prisma', probe]] }).some((diagnostic) => !diagnostic.is_warning);
    known.set(key, answer);
  }
  return answer;
}

/** The information said once about them: which features, where, and that the engine reads the schema without them. */
export function ignoredPreviewFeaturesNote(ignored: readonly IgnoredPreviewFeature[], where: (position: IgnoredPreviewFeature) => string): string {
  const names = ignored.map((f) => `"${f.feature}"`).join(', ');
  const places = [...new Set(ignored.map(where))].join(', ');
  const [verb, pronoun] = ignored.length > 1 ? ['are', 'them'] : ['is', 'it'];
  return `previewFeatures ${names} (${places}) ${verb} not known to Prisma 7's schema engine (removed since Prisma 6, or misspelled): the schema is migrated and checked without ${pronoun}.`;
}
