/**
 * Removes credentials from any text before it is shown or logged: the password part of URLs
 * (`scheme://user:password@host`) and `password=` parameters. The one place secrets are filtered.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)([^@\s/]*)@/gi, '$1****@')
    .replace(/\b(password|passwd|pwd)=([^&\s;"']+)/gi, '$1=****');
}

/** A URL as the user may see it: scheme, host, port and database, never the password. */
export function describeUrl(url: string): string {
  if (url.startsWith('file:')) return url.slice('file:'.length).replace(/\?.*$/, '');
  try {
    const parsed = new URL(url);
    const db = parsed.pathname.replace(/^\//, '');
    const host = parsed.host || parsed.searchParams.get('host') || 'localhost';
    return `${parsed.protocol.replace(/:$/, '')}://${host}${db ? `/${db}` : ''}`;
  } catch {
    return redactSecrets(url);
  }
}
