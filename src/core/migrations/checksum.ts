import { createHash } from 'node:crypto';

const CHECKSUM_LENGTH = 64;

function sha256(script: string): Buffer {
  return createHash('sha256').update(script, 'utf8').digest();
}

/** The checksum Prisma stores in `_prisma_migrations.checksum`: SHA-256 of the script, as lowercase hex. */
export function migrationChecksum(script: string): string {
  return sha256(script).toString('hex');
}

/**
 * Whether a script matches a stored checksum the way Prisma's schema engine decides it: line endings do
 * not count (git may have converted them), and checksums written by old engines without zero-padding of
 * each byte still match.
 */
export function scriptMatchesChecksum(script: string, checksum: string): boolean {
  const variants = [script, script.replace(/\r\n/g, '\n'), script.replace(/\n/g, '\r\n')];
  const legacy = checksum.length > 0 && checksum.length !== CHECKSUM_LENGTH;
  return variants.some((variant) => {
    const digest = sha256(variant);
    const rendered = legacy ? Array.from(digest, (byte) => byte.toString(16)).join('') : digest.toString('hex');
    return rendered === checksum;
  });
}

/** True when the script differs from what was applied only in its line endings: harmless, not an edit. */
export function differsOnlyInLineEndings(script: string, checksum: string): boolean {
  return scriptMatchesChecksum(script, checksum) && !scriptMatchesExactly(script, checksum);
}

function scriptMatchesExactly(script: string, checksum: string): boolean {
  return migrationChecksum(script) === checksum;
}
