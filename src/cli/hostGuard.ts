import { MigrateError } from '../core/errors';
import { checkDevHost, DEFAULT_DEV_HOSTS } from '../core/safety/devHosts';

/** Hosts every run may destroy data on, comma-separated (a CI job's throw-away database service). */
export const ALLOWED_HOSTS_ENV = 'PRISMA_MIGRATIONS_ALLOWED_HOSTS';

/**
 * What a command is about to do that destroys data, in the words of the refusal; undefined for the
 * commands that deploy or record (apply, resolve, execute: what CI runs against production on purpose).
 * Squash is guarded where it rewrites the history rows, once it knows it will.
 */
export function destructiveUse(command: string, values: Record<string, unknown>): string | undefined {
  if (command === 'reset') return 'reset (it drops all data)';
  if (command === 'rollback' && values.force) return 'rollback --force (it runs a down script)';
  if (command === 'create' && values['accept-data-loss']) return 'create --accept-data-loss (it applies a migration that drops data)';
  return undefined;
}

/** The machine itself, then the hosts of PRISMA_MIGRATIONS_ALLOWED_HOSTS, then each --allow-host. */
export function allowedHosts(flags: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const listed = (env[ALLOWED_HOSTS_ENV] ?? '').split(',').map((host) => host.trim());
  return [...DEFAULT_DEV_HOSTS, ...listed, ...flags].filter((host) => host !== '');
}

/**
 * The extension's dev-host rule for the CLI: a server that is not the machine itself (or allowed by
 * name) may be production, and nothing there is destroyed without the user naming it.
 */
export function requireDevHost(use: string, url: string, allowed: readonly string[]): void {
  const verdict = checkDevHost(url, allowed);
  if (verdict.allowed) return;
  throw new MigrateError(
    'config',
    `${use} refused: ${verdict.host} is not a development database host (allowed: ${allowed.join(', ')}); nothing was changed. ` +
      `If it is one, add --allow-host ${verdict.host} or list it in ${ALLOWED_HOSTS_ENV}.`,
  );
}
