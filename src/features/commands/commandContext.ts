import type { DevDatabaseStore } from '../devDatabase/devDatabaseStore';
import type { Logger } from '../logger';
import type { DatabaseAccess } from '../projects/databaseAccess';
import type { ProjectService } from '../projects/projectService';
import type { RehearsalPanel } from '../rehearsal/rehearsalPanel';
import type { SqlDocuments } from '../sqlDocuments/sqlDocuments';
import type { WalkthroughProgress } from '../walkthrough/walkthroughProgress';
import type { Prompts } from './prompts';

/** What every command handler may use: the services, and the prompts (swappable by the tests). */
export interface CommandContext {
  readonly projects: ProjectService;
  readonly access: DatabaseAccess;
  readonly store: DevDatabaseStore;
  readonly documents: SqlDocuments;
  readonly log: Logger;
  readonly walkthrough: WalkthroughProgress;
  readonly rehearsals: RehearsalPanel;
  prompts: Prompts;
}
