/**
 * The one place secrets are filtered from what is shown or logged. URLs are read, not pattern-matched:
 * the user info of `scheme://user:password@host` ends at the LAST `@` (as libpq, node-postgres and the
 * mariadb driver read a valid URL), so a password with raw reserved characters (`/ ? # @ :` …) is hidden
 * whole; `password=`-like parameters and libpq keyword values are hidden too, and the passwords of URLs
 * the project has used are hidden wherever they appear, raw or percent-encoded.
 */

const MASK = '****';

/** Parameter names whose values are secrets: in URL queries, libpq keyword strings and driver option dumps. */
const SECRET_KEY = String.raw`(?:ssl)?pass(?:word|wd|phrase)?|pwd|secret|auth_?token|access_?token|api_?key`;
// An unquoted value runs to the end of the line: a raw password may hold spaces, `&` or `@`.
const KEY_VALUE = new RegExp(String.raw`\b(${SECRET_KEY})(\s*=\s*)('(?:\\.|''|[^'\\])*'?|"(?:\\.|[^"\\])*"?|[^\n]*)`, 'gi');
/** Where a URL's first secret parameter starts: its raw value may hold `@`, `/` or `#`. */
const SECRET_PARAM = new RegExp(String.raw`[?&;](?:${SECRET_KEY})=`, 'i');
/** The same keys in serialized objects (`password: 'x'`, `"password":"x"`): a driver's config in an error. */
const KEY_COLON = new RegExp(String.raw`(["']?\b(?:${SECRET_KEY})["']?\s*:\s*)('(?:\\.|[^'\\])*'?|"(?:\\.|[^"\\])*"?)`, 'gi');
const SCHEME = /[a-z][a-z0-9+.-]*:\/\//gi;
/** Shorter secrets would mask ordinary words; the URL and key=value forms still hide them. */
const MIN_REMEMBERED = 4;

/** The parts of `scheme://[userinfo@]rest` that hold no secret, and where the user info ends. */
export interface UrlAuthority {
  /** `postgresql`, `mysql`, … */
  scheme: string;
  /** Up to the first `:` of the user info, as written. */
  user: string;
  /** Whether the user info has a password part. */
  hasPassword: boolean;
  /** Everything after the user info's last `@` (host, port, path, query), as written. */
  rest: string;
}

/**
 * Splits a URL at its user info the way a lenient reader does: the user info runs to the last `@`, so raw
 * reserved characters in a password never leak into the host or path. Undefined for text without `scheme://`.
 */
export function splitAuthority(url: string): UrlAuthority | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (!scheme) return undefined;
  const body = beforeSecretParams(url).slice(scheme[0].length);
  const at = body.lastIndexOf('@');
  const userinfo = at < 0 ? '' : body.slice(0, at);
  const colon = userinfo.indexOf(':');
  return {
    scheme: scheme[1].toLowerCase(),
    user: colon < 0 ? userinfo : userinfo.slice(0, colon),
    hasPassword: colon >= 0,
    rest: at < 0 ? body : body.slice(at + 1),
  };
}

/**
 * Whether a URL's user info reaches past where a WHATWG parser (node-postgres, the mariadb driver, Prisma's
 * engine) ends the host part — a raw `/`, `?` or `#` in the password, or an `@` in the path or query — so
 * that a driver would read a different host than the one written.
 */
export function userinfoOverrunsHost(url: string): boolean {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  if (!scheme) return false;
  const body = beforeSecretParams(url).slice(scheme[0].length);
  const hostEnd = body.search(/[/?#]/);
  return hostEnd >= 0 && body.lastIndexOf('@') > hostEnd;
}

function beforeSecretParams(url: string): string {
  const secret = url.search(SECRET_PARAM);
  return secret < 0 ? url : url.slice(0, secret);
}

/** A URL as the user may see it: scheme, host, port and database, never the password or parameters. */
export function describeUrl(url: string): string {
  if (url.startsWith('file:')) return url.slice('file:'.length).replace(/\?.*$/, '');
  const parts = splitAuthority(url);
  if (!parts) return redactSecrets(url);
  const end = parts.rest.search(/[/?#]/);
  const hostPort = end < 0 ? parts.rest : parts.rest.slice(0, end);
  // Without an `@`, `scheme://user:password` reads as host and port: a port that is not a number is hidden,
  // with everything after it.
  const port = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(hostPort)!;
  if (port[2] !== undefined && !/^\d*$/.test(port[2])) return `${parts.scheme}://${port[1]}:${MASK}`;
  const afterHost = end < 0 ? '' : parts.rest.slice(end);
  const database = /^\/([^?#]*)/.exec(afterHost)?.[1] ?? '';
  const host = hostPort || /[?&]host=([^&#]*)/.exec(afterHost)?.[1] || 'localhost';
  return `${parts.scheme}://${host}${database ? `/${database}` : ''}`;
}

const remembered = new Set<string>();

/**
 * Remembers the secrets of a URL the project uses (its password, decoded and in the encodings a URL or a
 * driver may show, and its secret parameters), so that any text mentioning them is redacted.
 */
export function rememberUrlSecrets(url: string): void {
  const parts = splitAuthority(url);
  const values: string[] = [];
  if (parts?.hasPassword) {
    const body = beforeSecretParams(url).slice(url.indexOf('://') + 3);
    values.push(body.slice(body.indexOf(':') + 1, body.lastIndexOf('@')));
  }
  const secretParam = url.search(SECRET_PARAM);
  if (secretParam >= 0) values.push(url.slice(url.indexOf('=', secretParam) + 1));
  for (const match of url.matchAll(new RegExp(String.raw`[?&;](?:${SECRET_KEY})=([^&#]*)`, 'gi'))) values.push(match[1]);
  for (const value of values) {
    for (const form of encodings(value)) if (form.length >= MIN_REMEMBERED) remembered.add(form);
  }
}

function encodings(value: string): string[] {
  const forms = new Set([value]);
  const decoded = safeDecode(value);
  forms.add(decoded);
  forms.add(encodeURIComponent(decoded));
  forms.add(encodeURI(decoded));
  try {
    // How a WHATWG URL re-serializes a password (what `url.toString()` would print).
    const probe = new URL('x://h');
    probe.password = decoded;
    forms.add(probe.password);
  } catch {
    // Nothing to add: the value has no WHATWG form.
  }
  return [...forms];
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Removes credentials from any text before it is shown or logged. */
export function redactSecrets(text: string): string {
  let result = text;
  // Longest first: a secret that contains another is masked whole.
  for (const secret of [...remembered].sort((a, b) => b.length - a.length)) result = result.split(secret).join(MASK);
  return result
    .replace(KEY_VALUE, (_, key: string, equals: string) => `${key}${equals}${MASK}`)
    .replace(KEY_COLON, (_, key: string) => `${key}${MASK}`)
    .replace(/[^\n]+/g, redactUrlsInLine);
}

/** Every `scheme://user:password@` in one line, the user info running to the line's last `@`. */
function redactUrlsInLine(line: string): string {
  let out = '';
  let from = 0;
  for (const match of line.matchAll(SCHEME)) {
    const start = match.index + match[0].length;
    if (start < from) continue;
    const at = line.lastIndexOf('@');
    const colon = line.indexOf(':', start);
    if (at > start && colon >= 0 && colon < at) {
      out += `${line.slice(from, colon + 1)}${MASK}`;
      from = at;
      continue;
    }
    // No `@`: `scheme://user:password` reads as a host with a port that is not a number.
    const authority = /^[^\s/?#]*/.exec(line.slice(start))![0];
    const port = /:(?!\d*$)/.exec(authority);
    if (port) {
      const end = line.slice(start).search(/\s|$/);
      out += `${line.slice(from, start + port.index + 1)}${MASK}`;
      from = start + end;
    }
  }
  return out + line.slice(from);
}
