import { MigrateError } from '../errors';
import { rememberUrlSecrets, userinfoOverrunsHost } from '../redact';

/**
 * Before a driver reads a server URL: its secrets are remembered for redaction, and a URL whose user info
 * runs past a `/`, `?` or `#` is refused — the driver would connect to whatever precedes that character
 * (`u:12/Pw@host` reads as host `u`, port 12), which is most likely part of the password.
 */
export function checkUrlCredentials(url: string, database: 'PostgreSQL' | 'MySQL'): void {
  rememberUrlSecrets(url);
  if (userinfoOverrunsHost(url)) {
    throw new MigrateError(
      'config',
      `The ${database} database URL has an \`@\` after a \`/\`, \`?\` or \`#\`: the user name or password likely contains one of these characters unencoded, and the driver would read another host. Percent-encode them in the user name, password and parameters (\`/\` as %2F, \`?\` as %3F, \`#\` as %23, \`@\` as %40).`,
    );
  }
}
