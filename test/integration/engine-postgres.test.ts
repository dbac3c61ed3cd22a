import { openPostgres } from '../../src/core/db/postgres';
import { newPostgresDatabase } from '../helpers/postgresDatabase';
import { engineSuite } from './engineSuite';

engineSuite('the PostgreSQL server', {
  provider: 'postgresql',
  async open() {
    const database = await newPostgresDatabase();
    return { database: await openPostgres(database.url), drop: database.drop };
  },
});
