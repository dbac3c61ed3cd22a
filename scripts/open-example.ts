// What `npm start` does (scripts/start.mjs loads this): package the built extension, install it into a
// throw-away code-server (fresh user data, extensions, HOME, XDG folders and TMPDIR under /tmp/pmv-*),
// rebuild example/'s embedded SQLite dev database from its migrations and load the seed, then open
// example/ on 127.0.0.1 (a free port, no auth) until Ctrl-C, which stops code-server's whole process
// group and removes the run folder.
//
// Options: --port=N (default: a free port), --verbose (code-server's own output).
import path from 'node:path';
import { createRunFolder, installExtension, startCodeServer } from '../test/e2e/codeServer';
import { exampleDir, repoRoot, resetExampleDatabase } from '../test/e2e/example';
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
    console.log(`\nExample project: ${exampleDir}`);
    resetExampleDatabase(exampleDir, (line) => console.log(`${line}`));
    const run = createRunFolder();
    await installExtension(vscode, run, packaged.vsix, packaged.id);
    const server = await startCodeServer(vscode, run, {
      folder: exampleDir,
      port,
      onLine: verbose ? (line) => console.log(`[code-server] ${line}`) : undefined,
    });
    console.log(`\n${bold('Open in a browser:')} ${server.url}?folder=${encodeURI(exampleDir)}`);
    console.log(`The Prisma Migrate icon in the activity bar shows the Migrations view. Ctrl-C stops code-server.`);
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
