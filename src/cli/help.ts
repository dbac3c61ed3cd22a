const COMMON = `Options for every command:
  --schema <path>   schema file or folder (default: from prisma.config.ts, package.json, prisma/schema.prisma)
  --config <path>   prisma.config.ts to use
  --url <url>       database URL; wins over prisma.config.ts, .env and the embedded default (empty: an error)
  --verbose         print the engine's log and stack traces
  --help            this help`;

const ALLOW_HOST = `  --allow-host <host>   a server this may destroy data on besides localhost, 127.0.0.1 and ::1
                        (repeatable; also PRISMA_MIGRATIONS_ALLOWED_HOSTS=host,host). Files, the
                        embedded PGlite and unix sockets are always allowed. Refused: exit 2.`;

const FINDING_OPTIONS = `  --fail-on <level> error: only errors fail the build; warning (default): warnings too
  --format json     findings as JSON: [{"rule","severity","message","file","line","column"}] (also --json)
  --format sarif    SARIF 2.1.0, for code scanning (paths relative to the working folder)
  --format github   GitHub Actions annotations (::error file=…,line=…::message), one per finding`;

export const HELP: Record<string, string> = {
  main: `prisma-migrations — Prisma Migrate on the WebAssembly schema engine, no native binary needed.

Usage: prisma-migrations <command> [options]

Commands:
  status     every migration's status against the database, and drift
  diff       the difference between two states, as a summary or SQL
  create     create the next migration from the schema (refuses data loss unless accepted)
  apply      apply pending migrations (deploy semantics)
  resolve    mark a failed migration applied or rolled back
  reset      drop everything in the dev database and re-apply all migrations
  check      breaking-change findings of the next migration and of unapplied migration SQL
  execute    run a SQL file on the database (e.g. a seed)
  down       the down script of a migration (Prisma has none), optionally verified and written
  rollback   run the last applied migration's verified down script and mark it rolled back
  squash     replace a range of migrations with one, verified by replay (statements that are not schema carried)
  verify     after a deploy: every migration applied as written, nothing failed, no drift
  init       the first migration of a project without one, baselined on a database that has its tables
  pull       introspect the database into the schema (a project that has tables but no models)
  regenerate replace an unapplied migration (one from another branch) with one generated from the schema
  test       run the migration tests (*.test.sql beside a migration), each on a scratch database
  rehearse   apply the pending migrations to a copy of the database: time, locks and rows per statement

Without a configured URL, SQLite projects use prisma/dev.db and PostgreSQL projects an embedded
PGlite database in prisma/.pglite.

${COMMON}`,
  status: `Usage: prisma-migrations status [--json] [--no-drift]

Exit code: 0 when every migration is applied and there is no drift, 1 when something needs action
(pending, failed, edited, missing locally, drift), 2 on error.

  --json        machine-readable output
  --no-drift    skip drift detection (no shadow-database replay)

${COMMON}`,
  diff: `Usage: prisma-migrations diff --from <source> --to <source> [--script] [--exit-code]

Sources: empty, migrations, schema, database.

  --script      print SQL instead of a summary
  --exit-code   exit 0 when there is no difference, 2 when there is one, 1 on error

${COMMON}`,
  create: `Usage: prisma-migrations create --name <name> [--draft] [--accept-data-loss [--allow-host <host>]] [--test]

Plans the migration first. When it would lose data, nothing is written unless --accept-data-loss is
given; steps that cannot run on the current data are refused unless --draft.

  --name <name>         the migration's name
  --draft               write the migration without applying it
  --accept-data-loss    allow a migration that drops data; on a server other than this machine only
                        with --allow-host (see below)
  --test                when the migration changes rows (UPDATE, INSERT, DELETE, a column converted,
                        dropped or made NOT NULL), write migration.test.sql beside it: a row for each
                        table it changes, built from the table's columns before it, then -- migrate and
                        an -- assert for each change (see test --help); otherwise it says there is
                        nothing to scaffold
${ALLOW_HOST}

${COMMON}`,
  apply: `Usage: prisma-migrations apply

Applies pending migrations in order; stops at the first failure. A PostgreSQL database that does not
exist yet is created first (create and reset do the same).

${COMMON}`,
  resolve: `Usage: prisma-migrations resolve --applied <migration> | --rolled-back <migration>

  --applied <name>       record the migration as applied without running it
  --rolled-back <name>   mark a failed migration rolled back (it will be applied again)

${COMMON}`,
  reset: `Usage: prisma-migrations reset --force [--allow-host <host>]

Drops every table and all data in the dev database, then applies all migrations.

  --force   required: confirms that all data in the database is lost
${ALLOW_HOST}

${COMMON}`,
  check: `Usage: prisma-migrations check [--ci [--base <git ref>] [--fail-on error|warning]] [--format text|json|sarif|github] [--json]

Lists what the next migration (schema compared to the migration history) would break, with counts from
the database, and what the SQL of migrations not applied yet would do (dropped data, locks, steps that
fail on populated tables; see docs/rules.md). Exit code: 1 when any finding is a warning or an error, 0
otherwise, 2 on error.

  --ci              the pipeline's gate before deploy, in one command: the schema fully migrated
                    (schema-not-migrated), its breaking changes (static: no dev database is opened),
                    the history's integrity, and with --url the target database: migrations deploy
                    would apply (listed), failed ones and drift (which fail the build). The migration
                    tests (see test --help) of the migrations deploy would apply run too, each on a
                    scratch database: those the --url target has not applied, else with --base this
                    branch's, else all; a failing one is migration-test-failed at its file and line
  --base <git ref>  with --ci: the branch a pull request targets (origin/main). Migrations new on this
                    branch since the merge base that change a table the base's new migrations also
                    change are conflicting-migrations. Without it, those are the migrations the --url
                    target has not applied that change one table; with neither, none are reported
${FINDING_OPTIONS}

${COMMON}`,
  down: `Usage: prisma-migrations down <migration> [--verify] [--write [--force]]

Prints the SQL that takes a database from the state after <migration> back to the state before it: the
schema engine's diff between the two, each replayed on a scratch database (no database of yours is
opened). Comments list what it drops.

  --verify   apply the history up to <migration> and the down script on a scratch database, and compare
             with the history before it; exit 1 when they differ
  --write    write it as down.sql in the migration's folder (Prisma ignores the file); a down.sql
             written or edited by hand is not replaced (exit 1) unless --force
  --force    with --write: replace a down.sql even if it was written or edited by hand

${COMMON}`,
  rollback: `Usage: prisma-migrations rollback [--force [--allow-host <host>]]

Undoes the last migration applied on the database: computes its down script, verifies it on a scratch
database, lists what it would drop with this database's counts, and with --force runs it and marks the
migration rolled back (pending again). Refuses after a failed migration, or when the last applied
migration was edited or is missing locally.

  --force   required to change the database; without it, the plan is printed and the exit code is 1
${ALLOW_HOST}

${COMMON}`,
  squash: `Usage: prisma-migrations squash --to <migration> --name <name> [--from <migration>] [--allow-host <host>]

Replaces the migrations from --from (default: the first) to --to with one migration named <name>, in the
place of --to: its SQL is the schema engine's diff from the history before the range to the history at its
end, with the range's statements that are not schema carried in their order, each under a comment naming
its migration (CREATE/DROP EXTENSION before the diff; rows, grants, comments, functions, triggers, views,
policies, DO blocks and anything else after it). Before anything is written, the shortened history is
replayed against the original (on scratch databases, or the project's PostgreSQL server's shadow
databases) and must build the same database: schema, extensions, functions, triggers, views, policies,
row-level security, comments, grants, check constraints, indexes and row counts per table. Otherwise it is
refused (exit 1), naming what differs and the carried statements (migration:line and first line). When the
database applied the whole range, the new migration is recorded as applied and the old rows removed; a
database that applied only part of it is refused. Other databases must record the new migration instead
(the command says how).

${ALLOW_HOST}

${COMMON}`,
  verify: `Usage: prisma-migrations verify [--url <target>] [--fail-on error|warning] [--format text|json|sarif|github]

Run after \`prisma migrate deploy\` against the database just deployed: fails (exit 1) when a migration of
this history is not applied there, failed, was edited after it was applied or is applied there but missing
here, or when the database differs from what its migrations build (drift). Never creates or changes the
database; a database that does not exist is an error (exit 2).

${FINDING_OPTIONS}

${COMMON}`,
  init: `Usage: prisma-migrations init [--name <name>] [--baseline]

Creates the first migration (0_init) from the schema, for a project with a schema and no migrations, and
compares it with the database: empty (apply it), exactly these tables (created with db push or by hand:
it can be baselined), or something else (what differs is printed).

  --name <name>   the migration's name after 0_ (default: init)
  --baseline      when the database already has exactly these tables, record 0_init as applied without
                  running it; when it differs, write nothing and exit 1 with the differences

The first migration only creates tables, so it has no rows to test: migration tests start with the
migrations after it (create --test scaffolds one).

${COMMON}`,
  pull: `Usage: prisma-migrations pull [--force]

Introspects the database into the schema file (Prisma's db pull, on the WebAssembly engine). A schema
that already has models is left alone unless --force. Never creates the database.

  --force   replace the models the schema has with what the database has

${COMMON}`,
  regenerate: `Usage: prisma-migrations regenerate <migration> [--force]

For a migration the database has not applied, typically one a merge brought in: removes it and generates
its replacement from the schema on top of the history as merged, named like it, after the last migration.
Without --force it prints the new SQL and the old one and changes nothing (exit 1). Its statements that are
not schema (rows, extensions, grants, functions, triggers…) are carried into the replacement in order; when
they no longer replay on the regenerated schema it is refused naming them. Hand edits to its schema SQL are
not carried over.

  --force   replace the migration

${COMMON}`,
  test: `Usage: prisma-migrations test [--run <regexp>] [--format text|json|junit]

Runs the migration tests: every *.test.sql file in a migration's folder, beside its migration.sql (Prisma
ignores it). Each test runs on a scratch database of its own that holds the history before its migration,
never on a database of yours:

  -- test: splits fullName
  INSERT INTO "User" ("id", "fullName") VALUES (1, 'Ada Lovelace');
  -- migrate
  -- assert: every user has a first name
  SELECT count(*) = 0 FROM "User" WHERE "firstName" IS NULL;
  -- output: Ada, Lovelace
  SELECT "firstName", "lastName" FROM "User";
  -- error: null value
  INSERT INTO "User" ("id") VALUES (2);

  -- test: <name>          starts a test, which lasts until the next one
  -- migrate               applies the migration as Prisma does; -- migrate: <migration> applies the
                           history up to that later migration
  <statement>;             must succeed
  -- assert[: <message>]   the next query must return rows, each with a true first column
  -- output: <row>         the next query must return exactly these rows, one directive per row, values
                           joined by ", " (NULL, true/false, bytes as \\x…)
  -- error[: <text>]       the next statement must fail (with <text> in the database's message)

Exit code: 0 when every test passes (or there is none), 1 when one fails, 2 on error. The scratch
databases are temporary SQLite files or in-memory PGlite databases; with --url of a PostgreSQL server,
temporary databases on that server (the database itself is never written, nor created).

create --test writes a starter migration.test.sql beside a new migration that changes rows; check --ci
runs the tests of the migrations deploy would apply. The first migration only creates tables: tests
start with the migrations after it.

  --run <regexp>    only the tests whose "<migration> › <test name>" it matches
  --format json     the results as JSON: [{"migration","file","name","line","status","durationMs","failure"}]
  --format junit    JUnit XML for CI test reports: one test suite per migration
  --verbose         each step of each test as it ends, on stderr: its line, its time, what came back

${COMMON}`,
  rehearse: `Usage: prisma-migrations rehearse [--url <database to copy>] [--format text|json|markdown] [--max-size <size>]

Copies the database, applies the pending migrations to the copy as apply would (Prisma's checks and
bookkeeping), statement by statement, and drops the copy. The original is only read: a PostgreSQL
server copies it as a template into a new database on the same server, or, while another session is
connected to it, through the driver: its applied history replayed, then its rows (refused with drift); a
PGlite folder is copied; a SQLite file is snapshotted with VACUUM INTO.

Per migration: its time, each statement's time, the table locks each statement takes and how many rows
those tables hold (PostgreSQL: read from pg_locks inside the migration's transaction, as Prisma runs it),
the tables' rows before and after, and the database's error where one fails; nothing after it runs.

Exit code: 0 when every pending migration applies on the copy (or none is pending), 1 when one fails or
the copy is refused, 2 on error.

  --max-size <size>  copy a database up to this size (default 1GB), e.g. 5GB
  --format markdown  the report as Markdown (a CI job summary); --format json for tools

${COMMON}`,
  execute: `Usage: prisma-migrations execute --file <script.sql>

Runs the script on the database as one script, on the same connection the engine uses.

${COMMON}`,
};
