import * as vscode from 'vscode';
import type { Provider } from '../../core/types';
import { applyPending } from '../commands/apply';
import { projectArgument } from '../commands/arguments';
import type { CommandContext } from '../commands/commandContext';
import { Cancelled } from '../commands/userError';
import { loadCore } from '../projects/loadCore';
import type { DevDatabaseChoice } from './devDatabaseStore';

const URL_PREFIXES: Partial<Record<Provider, readonly string[]>> = {
  postgresql: ['postgresql://', 'postgres://'],
  mysql: ['mysql://', 'mariadb://'],
  sqlite: ['file:'],
};

type Choice = vscode.QuickPickItem & { choice: DevDatabaseChoice | 'configured' | 'enterUrl' };

/**
 * Which database the editor's commands use for a project: the one prisma.config.ts / .env configure
 * (the default when there is one), the embedded one, or a URL typed here and kept in secret storage.
 */
export async function configureDevDatabaseCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const state = await projectArgument(ctx, arg);
  const { project } = state;
  const core = await loadCore();
  const stored = await ctx.store.get(project);
  const embedded = core.embeddedUrl(project);
  const items: Choice[] = [];
  if (project.url) {
    items.push({
      label: '$(gear) Use the configured database',
      description: core.databaseLabel(project.url),
      detail: `${core.describeUrlSource(project.url, project)}${stored ? '' : ' — in use'}`,
      choice: 'configured',
    });
  }
  if (embedded) {
    items.push({
      label: `$(database) Use the embedded ${project.provider === 'sqlite' ? 'SQLite file' : 'PGlite database'}`,
      description: core.databaseLabel(embedded),
      detail: `Created next to the schema; nothing to install.${stored?.kind === 'embedded' || (!stored && !project.url) ? ' — in use' : ''}`,
      choice: { kind: 'embedded' },
    });
  }
  items.push({
    label: '$(link) Enter a database URL…',
    detail: `Kept in VS Code's secret storage, never in settings.${stored?.kind === 'url' ? ` — in use: ${core.databaseLabel({ url: stored.url, source: 'secret' })}` : ''}`,
    choice: 'enterUrl',
  });
  const picked = await ctx.prompts.pick(items, { placeHolder: `Dev database for ${project.root}` });
  if (!picked) throw new Cancelled();

  if (picked.choice === 'configured') {
    await ctx.store.clear(project);
  } else if (picked.choice === 'enterUrl') {
    const prefixes = URL_PREFIXES[project.provider];
    const url = await ctx.prompts.input({
      title: 'Dev database URL',
      prompt: `A ${project.provider} URL; stored in VS Code's secret storage.`,
      placeHolder: project.provider === 'postgresql' ? 'postgresql://user:password@localhost:5432/app_dev' : undefined,
      password: true,
      validateInput: (value) => {
        if (value.trim() === '') return 'Enter the URL, or press Escape to keep the current database.';
        return prefixes && !prefixes.some((prefix) => value.trim().startsWith(prefix)) ? `A ${project.provider} URL starts with ${prefixes.join(' or ')}` : undefined;
      },
    });
    // An empty URL is never stored: it would stand for no database at all.
    if (!url?.trim()) throw new Cancelled();
    await ctx.store.set(project, { kind: 'url', url: url.trim() });
  } else {
    await ctx.store.set(project, picked.choice);
  }
  await ctx.projects.refresh();
  const now = ctx.projects.projects.find((s) => s.project.schemaPath === project.schemaPath);
  ctx.log.info(`Dev database for ${project.schemaPath}: ${now?.databaseLabel ?? '?'} (${now?.databaseSource ?? '?'})`);
}

/** The "No dev database yet" node's button: creates the embedded database by applying the migrations. */
export async function createEmbeddedDatabaseCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const state = await projectArgument(ctx, arg);
  await ctx.store.set(state.project, { kind: 'embedded' });
  await applyPending(ctx, state);
}
