// Runs the mocha files beside a suite's index inside the extension host. Used by every suite's `run()`,
// which code-server's smoke-test driver and @vscode/test-electron both call.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';
import { tagged } from './shared';

export async function runMochaFiles(dir: string): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: true, timeout: 300_000 });
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.test.js')).sort()) mocha.addFile(path.join(dir, file));
  // The reporters print through Base.consoleLog (the extension host does not let console.log be replaced).
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  const original = base.consoleLog;
  base.consoleLog = tagged(original);
  try {
    await new Promise<void>((resolve, reject) => {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve()));
    });
  } finally {
    base.consoleLog = original;
  }
}
