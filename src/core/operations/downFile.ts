import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A migration's down.sql: none yet, one we wrote and nobody changed since, or one written or edited by hand. */
export type DownFileState = 'absent' | 'ours' | 'edited';

/** The last line of a down.sql we write: the checksum of the lines above it, by which an edit shows. */
const STAMP = /^-- prisma-migrations sha256:([0-9a-f]{64}) /;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Line endings are not an edit (git may convert them on checkout, an editor may drop the last newline). */
const normalised = (text: string) => `${text.replace(/\r\n/g, '\n').replace(/\n?$/, '')}\n`;

/** Beside `migration.sql`; Prisma reads only that file, so a down script there is inert until run. */
const DOWN_FILE = 'down.sql';

export function downFilePath(migrationDir: string): string {
  return path.join(migrationDir, DOWN_FILE);
}

export function downFileState(file: string): DownFileState {
  let text: string;
  try {
    text = normalised(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw error;
  }
  const stampAt = text.lastIndexOf('\n', text.length - 2) + 1;
  const stamp = STAMP.exec(text.slice(stampAt));
  return stamp && stamp[1] === sha256(text.slice(0, stampAt)) ? 'ours' : 'edited';
}

/** Writes `script` (a `downScriptText`) as down.sql, stamped so that a later write can tell whether it was edited. */
export function writeDownFile(file: string, script: string): void {
  const body = normalised(script);
  writeFileSync(file, `${body}-- prisma-migrations sha256:${sha256(body)} (edited, it is replaced only with down --write --force or when the editor asks)\n`);
}
