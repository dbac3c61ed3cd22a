// The MariaDB/MySQL driver: a bundle of its own (esbuild.mjs), required when a MySQL project connects.
// With iconv-lite it is about 0.8 MB that SQLite and PostgreSQL projects would otherwise parse on every start.
export { createConnection, createPool } from 'mariadb';
