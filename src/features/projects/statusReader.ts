import { effectiveUrl, openProjectDatabase } from '../../core/connect';
import { readMigrationsFolder } from '../../core/migrations/folder';
import { readStatus } from '../../core/operations/status';
import { findProjects } from '../../core/project/discover';
import { describeUrl } from '../../core/redact';
import type { PrismaProject, StatusReport } from '../../core/types';

/*
 * Everything the project service needs from the core, in one module the extension loads on first use:
 * the database drivers, PGlite and prisma.config.ts's loader cost seconds to load, and activation
 * should not wait for them.
 */

export { findProjects };

/** Opens the project's database, reads every migration's status (no drift: that needs a shadow replay), closes it. */
export async function readProjectStatus(project: PrismaProject, log: (line: string) => void): Promise<{ label: string; report: StatusReport }> {
  const db = await openProjectDatabase(project, { log });
  try {
    return { label: db.label, report: await readStatus(db.backend, readMigrationsFolder(project.migrationsDir), { drift: false }) };
  } finally {
    await db.backend.dispose();
  }
}

/** Where migrations will run, before connecting: the configured URL or the embedded default, never a password. */
export function configuredDatabase(project: PrismaProject): string {
  try {
    return describeUrl(effectiveUrl(project).url.replace(/^pglite:/, 'file:'));
  } catch {
    return 'no database configured';
  }
}
