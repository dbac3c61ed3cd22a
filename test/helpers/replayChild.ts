// A separate process replaying a project's history through the replay cache: `<project root> <cache
// dir>`; prints what the replayed database holds (see `replayedCatalog`) and how it got there, as JSON.
import { readMigrationsFolder } from '../../src/core/migrations/folder';
import { replayedHistory } from '../../src/core/operations/historyStates';
import { discoverProject } from '../../src/core/project/discover';
import { replayedCatalog } from './replayedCatalog';

const [root, cacheDir] = process.argv.slice(2) as [string, string];

void (async () => {
  const project = await discoverProject({ cwd: root, trusted: true });
  const { engine, restored, applied } = await replayedHistory(project, readMigrationsFolder(project.migrationsDir), 'Tests', { cacheDir });
  try {
    process.stdout.write(JSON.stringify({ restored, applied, catalog: await replayedCatalog(engine) }));
  } finally {
    await engine.dispose();
  }
})();
