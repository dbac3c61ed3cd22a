import module from 'node:module';
import { runCli } from './main';
import { processOutput } from './output';

// Node ≥ 22.1 keeps the compiled code of the bundles on disk between runs (each CI step is a new process);
// Node 20 has no such cache.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

runCli(process.argv.slice(2), processOutput).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = 2;
  },
);
