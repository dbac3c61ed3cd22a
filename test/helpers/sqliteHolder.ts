// Another process holding a SQLite file, as an application mid-commit would: it takes the file's exclusive
// lock, says "locked", and commits when its stdin ends.
import { createInterface } from 'node:readline';
import Database from 'libsql';

const db = new Database(process.argv[2]!);
db.exec('BEGIN EXCLUSIVE');
process.stdout.write('locked\n');
createInterface({ input: process.stdin }).once('close', () => {
  db.exec('COMMIT');
  db.close();
});
