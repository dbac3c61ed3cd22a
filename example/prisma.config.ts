import { defineConfig } from 'prisma/config';

// No datasource URL: prisma-migrations uses the embedded dev database, prisma/dev.db.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: {
    path: 'prisma/migrations',
  },
});
