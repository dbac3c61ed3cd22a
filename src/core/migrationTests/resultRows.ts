/** A result row as `-- output:` writes it: its column values in order, joined by `, `. */
export function renderRow(values: readonly unknown[]): string {
  return values.map(renderValue).join(', ');
}

/**
 * One value as a test file writes it. The drivers hand back different types for the same SQL value (a
 * count is a number on SQLite, a bigint or a string on PostgreSQL; bytes a Buffer or a Uint8Array), so
 * each is written the one way a person would type it.
 */
export function renderValue(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  // Integers past 1e21 would print in exponent notation.
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value).toString() : String(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  if (value instanceof ArrayBuffer) return `\\x${Buffer.from(value).toString('hex')}`;
  return JSON.stringify(value);
}

/** Whether an `-- assert` query's first column says true, in any driver's spelling of it. */
export function isTrue(value: unknown): boolean {
  return value === true || value === 1 || value === 1n || value === 't' || value === '1';
}
