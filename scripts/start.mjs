// `npm start` (after the build): the extension, packaged as a .vsix, installed into a throw-away
// code-server that opens a fresh copy of example/ with a migrated and seeded embedded SQLite database.
// Prints the URL and stays in the foreground until Ctrl-C. The work is in scripts/open-example.ts
// (TypeScript, run through tsx like the tests).
import { tsImport } from 'tsx/esm/api';

const { openExample } = await tsImport('./open-example.ts', import.meta.url);
await openExample(process.argv.slice(2));
