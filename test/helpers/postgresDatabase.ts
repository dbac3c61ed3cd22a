import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The machine's PostgreSQL server (trust auth); override with PG_TEST_URL. */
export const POSTGRES_SERVER = process.env.PG_TEST_URL ?? 'postgresql://postgres@127.0.0.1:5432';

/** A new, empty database of its own for one test group; `drop` removes it even if connections are left. */
export async function newPostgresDatabase(prefix = 'pm_test'): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${POSTGRES_SERVER}/postgres` });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: `${POSTGRES_SERVER}/${name}`,
    async drop() {
      const client = new pg.Client({ connectionString: `${POSTGRES_SERVER}/postgres` });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
