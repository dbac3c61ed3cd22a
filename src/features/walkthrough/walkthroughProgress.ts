import * as vscode from 'vscode';
import { type ContextKey, setContext } from '../contextKeys';
import type { ProjectService } from '../projects/projectService';
import { breakingCount } from '../projects/projectState';

/** `<publisher>.<name>#<walkthrough id>`, as package.json declares them. */
const WALKTHROUGH = 'prisma-migrations.prisma-migrations#gettingStarted';
const TITLE = 'Get Started with Prisma Migrate';

/** What a step's completion reads; once true, remembered across windows (the work stays done). */
type StepKey = Exclude<ContextKey, 'prismaMigrations.hasProjects' | 'prismaMigrations.hasDrift' | 'prismaMigrations.walkthroughOpen'>;
const STEP_KEYS: readonly StepKey[] = [
  'prismaMigrations.viewSeen',
  'prismaMigrations.devDatabaseReady',
  'prismaMigrations.hasMigrations',
  'prismaMigrations.sawBreakingChange',
  'prismaMigrations.ranCiCheck',
];

/**
 * Ticks the Get Started walkthrough's steps from the project's state, whenever the page opens. VS Code's
 * walkthrough service starts with its page, and a completion event whose condition already holds then is
 * never counted (it only reacts to changes). So every step's condition (the manifest's `onContext`) also
 * needs `prismaMigrations.walkthroughOpen`, which turns true once the page is open: then the condition
 * changes, with the service there to see it.
 */
export class WalkthroughProgress implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly memory: vscode.Memento,
    projects: ProjectService,
    view: vscode.TreeView<unknown>,
  ) {
    for (const key of STEP_KEYS) if (memory.get<boolean>(key)) setContext(key, true);
    const onProjects = () => {
      const states = projects.projects.filter((s) => s.report && !s.error);
      if (states.some((s) => !s.databaseMissing)) this.done('prismaMigrations.devDatabaseReady');
      if (states.some((s) => (s.report?.migrations.length ?? 0) > 0)) this.done('prismaMigrations.hasMigrations');
      if (projects.projects.some((s) => breakingCount(s) > 0)) this.done('prismaMigrations.sawBreakingChange');
    };
    const onView = () => view.visible && this.done('prismaMigrations.viewSeen');
    this.disposables = [
      projects.onDidChange(onProjects),
      view.onDidChangeVisibility(onView),
      vscode.window.tabGroups.onDidChangeTabs(() => this.updateOpen()),
    ];
    onProjects();
    onView();
    this.updateOpen();
  }

  /** A step's condition holds now, and stays done. */
  done(key: StepKey): void {
    if (this.memory.get<boolean>(key)) return;
    void this.memory.update(key, true);
    setContext(key, true);
  }

  /** Opens the walkthrough and says it is open at once, before the tab's event reaches the extension. */
  async open(): Promise<void> {
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, false);
    setContext('prismaMigrations.walkthroughOpen', true);
  }

  private updateOpen(): void {
    setContext('prismaMigrations.walkthroughOpen', vscode.window.tabGroups.all.some((group) => group.tabs.some(isWalkthroughTab)));
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** The Welcome page (which lists the walkthroughs) or our walkthrough's own page: editors the API knows no input type of. */
function isWalkthroughTab(tab: vscode.Tab): boolean {
  return tab.input === undefined && (tab.label === 'Welcome' || tab.label.includes(TITLE));
}
