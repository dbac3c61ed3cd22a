import pg from 'pg';

/** How long a statement runs before its connection is checked, and how often after. */
export const LIVENESS_CHECK_MS = 10_000;

/** Set on the error a connection is ended with; `interruptedMigration` recognises it. */
export const STOPPED_ANSWERING = 'the connection to the database server stopped answering';

/**
 * Watches one connection while statements run on it. A long statement is legitimate (an index build,
 * a table rewrite), a connection that silently stopped carrying data (a frozen proxy, a dropped NAT
 * entry) is not, and both look the same from the socket: TCP keepalive is answered by whatever sits in
 * between. So after LIVENESS_CHECK_MS a second, short connection asks the server whether our session
 * is still there; if that cannot connect in the connect timeout, or the session is gone, the watched
 * connection is ended with an error instead of waiting forever.
 */
export class LivenessWatch {
  private running = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: pg.Client,
    private readonly connectionString: string,
    private readonly connectTimeoutMs: number,
  ) {}

  /** Watches until `settled` settles. */
  track(settled: Promise<unknown>): void {
    this.running++;
    this.schedule();
    const done = () => {
      this.running--;
      if (this.running === 0) clearTimeout(this.timer);
    };
    settled.then(done, done);
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.check(), LIVENESS_CHECK_MS);
    // The statement being watched keeps the process alive, not its watch.
    this.timer.unref();
  }

  private async check(): Promise<void> {
    const backend = (this.client as unknown as { processID: number | null }).processID;
    const probe = new pg.Client({
      connectionString: this.connectionString,
      connectionTimeoutMillis: this.connectTimeoutMs,
      query_timeout: this.connectTimeoutMs,
    });
    probe.on('error', () => {});
    let alive: boolean;
    try {
      await probe.connect();
      const { rows } = await probe.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [backend]);
      alive = rows.length > 0;
    } catch (error) {
      // A server that answers with an error (too many connections, a permission) is there: only no
      // answer at all counts as a lost connection, never to end a legitimate long statement.
      alive = typeof (error as { severity?: unknown }).severity === 'string';
    } finally {
      void probe.end().catch(() => undefined);
    }
    if (this.running === 0) return;
    if (alive) {
      this.schedule();
      return;
    }
    const stream = (this.client as unknown as { connection?: { stream?: { destroy(error: Error): void } } }).connection?.stream;
    stream?.destroy(
      new Error(`${STOPPED_ANSWERING}: no reply for over ${LIVENESS_CHECK_MS / 1000} s, and a new connection could not reach its session within ${this.connectTimeoutMs / 1000} s`),
    );
  }
}
