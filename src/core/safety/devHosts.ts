/** Hosts a dev database may live on unless the user allows more: the machine itself. */
export const DEFAULT_DEV_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1'];

export type DevHostVerdict =
  | { allowed: true; reason: 'file' | 'embedded' | 'socket' | 'listed' }
  | { allowed: false; host: string };

/**
 * Whether a database URL points at a development database the extension may rewrite (apply, reset,
 * create-and-apply). Files, embedded PGlite and unix sockets are local by construction; a server host
 * must be in `allowedHosts`, where `*.example.test` allows every subdomain.
 */
export function checkDevHost(url: string, allowedHosts: readonly string[]): DevHostVerdict {
  if (/^(file|sqlite):/i.test(url)) return { allowed: true, reason: 'file' };
  if (/^pglite:/i.test(url)) return { allowed: true, reason: 'embedded' };
  // Parsed by hand: WHATWG URL rejects forms libpq accepts, e.g. `postgresql://user@/db?host=/run/postgresql`.
  const authority = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^/:?#]*)/i.exec(url);
  if (!authority) return { allowed: false, host: 'an unparsable URL' };
  // A `host` parameter wins over the authority, as in libpq: `postgresql://localhost/db?host=prod` is prod.
  const hostParameter = decodeURIComponent(/[?&](?:host|socket)=([^&#]*)/i.exec(url)?.[1] ?? '');
  if (hostParameter.startsWith('/')) return { allowed: true, reason: 'socket' };
  const host = (hostParameter || authority[1]).replace(/^\[|\]$/g, '').toLowerCase();
  if (host === '') return { allowed: true, reason: 'socket' };
  return allowedHosts.some((pattern) => hostMatches(host, pattern.trim().toLowerCase())) ? { allowed: true, reason: 'listed' } : { allowed: false, host };
}

function hostMatches(host: string, pattern: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return host === pattern.replace(/^\[|\]$/g, '');
}
