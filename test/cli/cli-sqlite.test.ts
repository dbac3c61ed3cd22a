import { cliSuite } from './cliSuite';

cliSuite('SQLite (embedded default: prisma/dev.db)', {
  provider: 'sqlite',
  open: async () => ({ args: [], drop: async () => {} }),
});
