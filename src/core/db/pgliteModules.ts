type PgliteModule = typeof import('@electric-sql/pglite');
type PgliteSocketModule = typeof import('@electric-sql/pglite-socket');

/** PGlite's packages, required when a PGlite database is opened: loading them costs every other command's start-up. */
export function pgliteModule(): PgliteModule {
  return require('@electric-sql/pglite') as PgliteModule;
}

export function pgliteSocketModule(): PgliteSocketModule {
  return require('@electric-sql/pglite-socket') as PgliteSocketModule;
}
