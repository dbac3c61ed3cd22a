import { requiredExtensions } from '../db/extensions';
import { historyToApply } from '../project/migrationsLocation';
import type { PrismaProject, ResolvedUrl } from '../types';
import { copyDatabase } from './databaseCopy';
import { type RehearsalOptions, type RehearsalReport, rehearse } from './rehearse';

/** Copies the database `url` names, rehearses on the copy what `apply` would apply, and drops the copy, whatever happened. */
export async function rehearseOnCopy(project: PrismaProject, url: ResolvedUrl, options: RehearsalOptions & { maxBytes: number }): Promise<RehearsalReport> {
  const folder = historyToApply(project);
  const copy = await copyDatabase(project, url, {
    maxBytes: options.maxBytes,
    folder,
    extensions: requiredExtensions(folder.migrations.flatMap((m) => (m.script === null ? [] : [m.script]))),
  });
  try {
    return await rehearse(project, folder, copy, options);
  } finally {
    await copy.dispose();
  }
}
