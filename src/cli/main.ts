import { errorMessage } from '../core/errors';
import { type Command, ERROR_EXIT, isCommand, parseOptions, type Values } from './arguments';
import { HELP } from './help';
import type { Output } from './output';

type Commands = typeof import('./commands');

/**
 * The module that runs commands, required on first use: help and argument mistakes answer without
 * loading the core (esbuild.mjs bundles it as dist/cli-commands.js, required from dist/cli.js).
 */
function commands(): Commands {
  return require('./commands') as Commands;
}

/** Runs one CLI invocation and returns its exit code; never throws, never prints a stack unless --verbose. */
export async function runCli(argv: readonly string[], output: Output, cwd = process.cwd()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    output.out(HELP.main);
    return name ? 0 : ERROR_EXIT;
  }
  if (!isCommand(name)) {
    output.err(`Unknown command "${name}". Run prisma-migrations --help for the list.`);
    return ERROR_EXIT;
  }
  const command: Command = name;
  let values: Values;
  try {
    values = parseOptions(command, rest);
  } catch (error) {
    output.err(`${errorMessage(error)}\n${HELP[command].split('\n')[0]}`);
    return ERROR_EXIT;
  }
  if (values.help) {
    output.out(HELP[command]);
    return 0;
  }
  return commands().runCommand(command, values, output, cwd);
}
