// Class: a migration name changes silently on its way into the folder name (`café` became `caf`). The
// folder must carry the name as Prisma's own `migrate dev --name` words it, and the CLI must say what the
// name became whenever that differs from what was typed.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { getMigrationName } from '@prisma/migrate/dist/utils/promptForMigrationName.js';
import { tempProject, type TempProject } from '../helpers/tempProject';
import { cli } from '../cli/cliSuite';

const NAMES = ['café', 'Crème brûlée', 'addUserRoles', 'add_user_roles', 'Add Users!', "it's done", 'straße', 'ÆØÅ', 'x-y.z', `${'long '.repeat(50)}end`];

describe('attack: a migration name changes silently', () => {
  let project: TempProject;
  const folders = () => readdirSync(project.migrationsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);

  before(() => {
    project = tempProject('sqlite', 'model User {\n  id Int @id\n}\n');
  });
  after(() => project.remove());

  for (const name of NAMES) {
    it(`create --name ${JSON.stringify(name.slice(0, 20))}: the folder carries Prisma's wording, and the CLI says so when it differs`, async () => {
      const prisma = (await getMigrationName(name)).name!;
      const before = new Set(folders());
      const result = await cli(project.root, 'create', '--draft', '--name', name);
      assert.equal(result.code, 0, result.stderr);
      const [created] = folders().filter((f) => !before.has(f));
      assert.equal(created.replace(/^\d{14}_/, ''), prisma);
      assert.match(result.stdout, new RegExp(`Created draft migration ${created}`));
      if (prisma === name) assert.doesNotMatch(result.stdout, /becomes/);
      else assert.ok(result.stdout.includes(`"${name}" becomes ${prisma} in the folder name`), result.stdout);
    });
  }

  it('a name with nothing Prisma can keep (日本) is refused before anything is written, exit 2', async () => {
    const before = folders();
    const result = await cli(project.root, 'create', '--draft', '--name', '日本');
    assert.equal(result.code, 2, result.stdout);
    assert.match(result.stderr, /"日本" is not a usable migration name/);
    assert.deepEqual(folders(), before);
  });
});
