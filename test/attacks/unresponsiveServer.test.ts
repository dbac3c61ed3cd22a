// Attacks on a PostgreSQL URL whose other end misbehaves (issue #14, item 10): a server that is not
// PostgreSQL (MariaDB's port, a TCP server answering garbage), and a connection that freezes mid-apply
// (a proxy written here that stops forwarding) — and a long statement on a healthy one, which must live.
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { LIVENESS_CHECK_MS } from '../../src/core/db/postgresLiveness';
import { GATE, startCli, WAITING_ON_GATE, waitForRow } from '../helpers/inProcessCli';
import { newPostgresDatabase, POSTGRES_SERVER } from '../helpers/postgresDatabase';
import { tempProject, type TempProject } from '../helpers/tempProject';

/** A TCP proxy to the PostgreSQL server that can freeze: then it carries no byte, old or new connection. */
async function freezableProxy(): Promise<{ port: number; freeze(): void; close(): Promise<void> }> {
  const upstream = new URL(POSTGRES_SERVER);
  let frozen = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('error', () => {});
    if (frozen) return;
    const server = net.connect({ host: upstream.hostname, port: Number(upstream.port || 5432) });
    sockets.add(server);
    server.on('error', () => client.destroy());
    client.on('close', () => server.destroy());
    server.on('close', () => client.destroy());
    client.on('data', (data) => frozen || server.write(data));
    server.on('data', (data) => frozen || client.write(data));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    freeze: () => (frozen = true),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A TCP server that answers anything with `reply`. */
async function garbageServer(reply: string): Promise<{ port: number; close(): void }> {
  const server = net.createServer((socket) => socket.end(reply));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

describe('attack: a PostgreSQL URL whose server misbehaves', () => {
  let project: TempProject;

  before(() => {
    project = tempProject('postgresql', 'model A {\n  id Int @id\n}\n');
    project.addMigration('1_init', 'CREATE TABLE "A" ("id" INTEGER PRIMARY KEY);\n');
    project.addMigration('2_slow', `SELECT pg_advisory_lock(${GATE}); SELECT pg_advisory_unlock(${GATE});\n`);
  });
  after(() => project.remove());

  for (const command of ['apply', 'status']) {
    it(`${command} on MariaDB's port: not a PostgreSQL server, exit 2, no stack`, async () => {
      const result = await startCli(project.root, command, '--url', 'postgresql://root@127.0.0.1:3306/test').done;
      assert.equal(result.code, 2);
      assert.match(result.stderr, /The server at 127\.0\.0\.1:3306 is not a PostgreSQL server: .*MariaDB/);
      assert.doesNotMatch(result.stderr, /TypeError|\n\s+at /);
    });
  }

  it('a TCP server answering garbage: not a PostgreSQL server, exit 2', async () => {
    const garbage = await garbageServer('HTTP/1.1 400 Bad Request\r\n\r\n');
    try {
      const result = await startCli(project.root, 'apply', '--url', `postgresql://u@127.0.0.1:${garbage.port}/db`).done;
      assert.equal(result.code, 2);
      assert.match(result.stderr, new RegExp(`The server at 127\\.0\\.0\\.1:${garbage.port} is not a PostgreSQL server: .*HTTP/1\\.1 400`));
    } finally {
      garbage.close();
    }
  });

  describe('through a proxy', () => {
    let database: Awaited<ReturnType<typeof newPostgresDatabase>>;
    let gate: pg.Client;
    let proxy: Awaited<ReturnType<typeof freezableProxy>>;
    let url: string;

    before(async () => {
      database = await newPostgresDatabase('pm_attack_frozen');
      gate = new pg.Client({ connectionString: database.url });
      await gate.connect();
    });
    after(async () => {
      await gate.end();
      await database.drop();
    });

    async function startProxy(): Promise<void> {
      await proxy?.close();
      proxy = await freezableProxy();
      url = `postgresql://postgres@127.0.0.1:${proxy.port}/${database.name}?connect_timeout=2`;
    }
    after(() => proxy?.close());

    it(`a statement that runs longer than the ${LIVENESS_CHECK_MS / 1000} s liveness check on a healthy connection is left to finish`, async () => {
      await startProxy();
      await gate.query(`SELECT pg_advisory_lock(${GATE})`);
      const run = startCli(project.root, 'apply', '--url', url);
      await waitForRow(gate, WAITING_ON_GATE, 'apply to run 2_slow');
      // Two checks pass while the statement waits; then it finishes.
      const checked = new Date(Date.now() + 2.2 * LIVENESS_CHECK_MS).toISOString();
      await waitForRow(gate, `SELECT 1 WHERE now() > '${checked}'::timestamptz`, 'two liveness checks');
      await gate.query(`SELECT pg_advisory_unlock(${GATE})`);
      const result = await run.done;
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Applied 2 migrations/);
      await gate.query(`DELETE FROM _prisma_migrations WHERE migration_name = '2_slow'`);
    });

    it('a frozen connection mid-apply ends with an error naming the migration and its record, instead of hanging', async () => {
      await startProxy();
      await gate.query(`SELECT pg_advisory_lock(${GATE})`);
      try {
        const run = startCli(project.root, 'apply', '--url', url);
        await waitForRow(gate, WAITING_ON_GATE, 'apply to run 2_slow');
        proxy.freeze();
        const result = await run.done;
        assert.equal(result.code, 2);
        // The engine's own attempt to record the failure on a new connection times out too: its words come last.
        assert.match(result.stderr, /The connection to the database was lost while applying 2_slow \((.*stopped answering|Connection terminated)/);
        assert.match(result.stderr, /The history could not be read to tell how it records 2_slow.*failed \(started, never finished\).*resolve 2_slow/);
      } finally {
        await gate.query(`SELECT pg_advisory_unlock(${GATE})`);
      }
      const { rows } = await gate.query(`SELECT finished_at FROM _prisma_migrations WHERE migration_name = '2_slow'`);
      assert.deepEqual(rows, [{ finished_at: null }], 'the history records it started and not finished, as the message says');
    });
  });
});
