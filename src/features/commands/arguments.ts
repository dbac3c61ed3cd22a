import type { MigrationStatus } from '../../core/types';
import type { MigrationsNode } from '../migrationsView/migrationsTree';
import type { ProjectState } from '../projects/projectState';
import type { CommandContext } from './commandContext';
import { Cancelled, UserFacingError } from './userError';

/** Migrations with a folder in the workspace (not those applied but missing locally). */
export function isLocal(migration: MigrationStatus): boolean {
  return migration.dir !== undefined;
}

/** A tree node, when the command was run from the Migrations view (arguments are `unknown` until narrowed). */
function asNode(arg: unknown): MigrationsNode | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const candidate = arg as Partial<MigrationsNode>;
  return typeof candidate.kind === 'string' && typeof candidate.state === 'object' ? (arg as MigrationsNode) : undefined;
}

/** The project a command is about: the node's, the only one, or the user's pick. */
export async function projectArgument(ctx: CommandContext, arg: unknown): Promise<ProjectState> {
  const node = asNode(arg);
  if (node) return current(ctx, node.state);
  if (typeof arg === 'string') {
    const byPath = ctx.projects.projects.find((state) => state.project.schemaPath === arg || state.project.root === arg);
    if (byPath) return byPath;
  }
  const states = ctx.projects.projects;
  if (states.length === 0) throw new UserFacingError('No Prisma schema was found in this workspace.');
  if (states.length === 1) return states[0];
  const picked = await ctx.prompts.pick(
    states.map((state) => ({ label: state.project.root.split(/[\\/]/).pop() ?? state.project.root, description: state.databaseLabel, detail: state.project.schemaPath, state })),
    { placeHolder: 'Which Prisma project?' },
  );
  if (!picked) throw new Cancelled();
  return picked.state;
}

/** The migration a command is about: the node's, or the user's pick among those `filter` accepts. */
export async function migrationArgument(
  ctx: CommandContext,
  arg: unknown,
  filter: (migration: MigrationStatus) => boolean,
  placeHolder: string,
): Promise<{ state: ProjectState; migration: MigrationStatus }> {
  const node = asNode(arg);
  if (node?.kind === 'migration') return { state: current(ctx, node.state), migration: node.migration };
  const state = await projectArgument(ctx, arg);
  const candidates = state.report?.migrations.filter(filter) ?? [];
  if (candidates.length === 0) throw new UserFacingError(`${placeHolder}: there is none in ${state.project.root}.`);
  const picked = await ctx.prompts.pick(
    candidates.map((migration) => ({ label: migration.name, description: migration.status, migration })),
    { placeHolder },
  );
  if (!picked) throw new Cancelled();
  return { state, migration: picked.migration };
}

/** A node may be older than the last refresh: use the project's current state. */
function current(ctx: CommandContext, state: ProjectState): ProjectState {
  return ctx.projects.projects.find((s) => s.project.schemaPath === state.project.schemaPath) ?? state;
}
