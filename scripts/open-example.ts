// What `npm start` does (scripts/start.mjs loads this): package the built extension, install it into a
// throw-away code-server (fresh user data, extensions, HOME, XDG folders and TMPDIR under /tmp/pmv-*),
// copy example/ into that folder and rebuild the copy's embedded SQLite dev database from its migrations
// with the seed loaded, then open the copy on 127.0.0.1 (a free port, no auth) until Ctrl-C, which stops
// code-server's whole process group and removes the run folder. Playing (creating migrations, editing
// the schema) changes only the copy, so the repository's example/ stays as git has it.
//
// Options: --port=N (default: a free port), --verbose (code-server's own output).
import path from 'node:path';
import { copyWorkspace, createRunFolder, installExtension, startCodeServer } from '../test/e2e/codeServer';
import { exampleDir, exampleFilter, repoRoot, resetExampleDatabase } from '../test/e2e/example';
import { isStoppingOnSignal, runCleanups, stopEverythingOnSignals } from '../test/e2e/processes';
import { packageExtension } from '../test/e2e/vsix';
import { ensureVSCodeEnv } from './vscode-env';

const bold = (text: string) => `\x1b[1m${text}\x1b[0m`;

export async function openExample(args: string[]): Promise<void> {
  stopEverythingOnSignals();
  const port = Number(args.find((arg) => arg.startsWith('--port='))?.split('=')[1] ?? 0);
  const verbose = args.includes('--verbose');
  try {
    const vscode = await ensureVSCodeEnv();
    const packaged = await packageExtension({ outDir: path.join(repoRoot, '.cache', 'vsix') });
    console.log(`Packaged ${path.relative(repoRoot, packaged.vsix)} (${packaged.files.length} files${packaged.reused ? ', unchanged' : ''}).`);
    const run = createRunFolder();
    const example = copyWorkspace(run, exampleDir, exampleFilter);
    console.log(`\nExample project: a fresh copy of example/ in ${example}`);
    resetExampleDatabase(example, (line) => console.log(`${line}`));
    await installExtension(vscode, run, packaged.vsix, packaged.id);
    const server = await startCodeServer(vscode, run, {
      folder: example,
      port,
      onLine: verbose ? (line) => console.log(`[code-server] ${line}`) : undefined,
    });
    console.log(`\n${bold('Open in a browser:')} ${server.url}?folder=${encodeURI(example)}`);
    console.log(`The Prisma Migrate icon in the activity bar shows the Migrations view.`);
    console.log(`The command line on the same copy: cd ${example} && node ${path.join(repoRoot, 'dist', 'cli.js')} check`);
    console.log(`Ctrl-C stops code-server and removes ${run.root} with the copy.`);
    // Until Ctrl-C (processes.ts stops the group and exits) or code-server failing on its own.
    const { code, signal } = await server.exited;
    throw new Error(`code-server stopped (${signal ?? `exit ${code}`}):\n${server.output().trimEnd().split('\n').slice(-20).join('\n')}`);
  } catch (error) {
    if (isStoppingOnSignal()) return; // Ctrl-C: processes.ts stops code-server and exits
    console.error(`\nnpm start failed: ${error instanceof Error ? error.message : String(error)}`);
    await runCleanups();
    process.exit(1);
  }
}
