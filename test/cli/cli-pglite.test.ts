import { cliSuite } from './cliSuite';

cliSuite('embedded PGlite (PostgreSQL schema, no URL configured)', {
  provider: 'postgresql',
  open: async () => ({ args: [], drop: async () => {} }),
});
