import type { ShowSqlArgs } from '../../shared/protocol';
import type { CommandContext } from './commandContext';
import { UserFacingError } from './userError';

/** The SQL of one schema change (a code action of the schema diagnostics), in a read-only document. */
export async function showSqlCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const args = arg as Partial<ShowSqlArgs> | undefined;
  if (typeof args?.sql !== 'string' || typeof args.title !== 'string') throw new UserFacingError('Show SQL for This Change runs from a schema diagnostic\'s quick fixes.');
  await ctx.documents.show(args.title.endsWith('.sql') ? args.title : `${args.title}.sql`, args.sql);
}
