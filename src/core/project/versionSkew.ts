import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { version as BUNDLED_PRISMA } from '@prisma/migrate/package.json';

export { BUNDLED_PRISMA };

/** The project's Prisma packages whose version matters to its migrations. */
const PACKAGES = ['prisma', '@prisma/client'] as const;

export interface VersionSkew {
  /** Package → the version installed for the project, when it differs from the bundled engine's. */
  installed: Partial<Record<(typeof PACKAGES)[number], string>>;
  bundled: string;
  /** What the difference means, most important first. */
  notes: string[];
}

/** The version of `name` that Node would load from `root` (node_modules up the tree), if any. */
export function installedVersion(root: string, name: string): string | undefined {
  for (let dir = path.resolve(root); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
      } catch {
        return undefined;
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

const parts = (version: string) => version.split(/[.+-]/).slice(0, 2).map(Number);

/**
 * How the project's installed Prisma differs from the engine this tool bundles, in words that matter for
 * migrations; null when they agree (or nothing is installed). Information only: it never blocks.
 */
export function versionSkew(root: string, bundled = BUNDLED_PRISMA): VersionSkew | null {
  const installed: VersionSkew['installed'] = {};
  const notes = new Set<string>();
  const [bundledMajor, bundledMinor] = parts(bundled);
  for (const name of PACKAGES) {
    const version = installedVersion(root, name);
    if (!version || version === bundled) continue;
    installed[name] = version;
    const [major, minor] = parts(version);
    if (major < 7 && bundledMajor >= 7) {
      notes.add(`Prisma ${major} schemas keep the database URL in the datasource block (url = env(…)); Prisma 7 reads it from prisma.config.ts and its engine rejects it there. This extension accepts both, but prisma ${major}'s CLI and this engine may write different SQL for the same change.`);
    } else if (major > bundledMajor) {
      notes.add(`Prisma ${major} is newer than the engine bundled here (${bundled}): schema features added since may be reported as errors, and migrations it writes may differ from what prisma migrate dev writes.`);
    } else if (major !== bundledMajor || minor !== bundledMinor) {
      notes.add(`${name} ${version} and the bundled engine ${bundled} may generate slightly different SQL for the same schema change; review new migrations as usual.`);
    }
  }
  if (Object.keys(installed).length === 0) return null;
  if (notes.size === 0) notes.add(`Patch versions differ from the bundled engine ${bundled}; nothing changes for migrations.`);
  return { installed, bundled, notes: [...notes] };
}

/** One line for a log or a tooltip. */
export function describeSkew(skew: VersionSkew): string {
  const installed = Object.entries(skew.installed).map(([name, version]) => `${name} ${version}`).join(', ');
  return `This project has ${installed}; the extension's engine is Prisma ${skew.bundled}. ${skew.notes.join(' ')}`;
}
