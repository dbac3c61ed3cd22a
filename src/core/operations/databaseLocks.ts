import { MigrateError } from '../errors';

/**
 * One operation at a time per database. Two commands that change the same database never overlap: the
 * second is refused with the first's name. Reads (status, drift) wait their turn instead, because a
 * SQLite file is exclusively locked while the engine is connected and a read would fail mid-command.
 */
export class DatabaseLocks {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly commands = new Map<string, string>();

  /** The command currently running on `key`, if any. */
  runningCommand(key: string): string | undefined {
    return this.commands.get(key);
  }

  /** Runs `fn` once everything queued on `key` has finished. */
  read<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.enqueue(key, fn);
  }

  /** Runs `fn` as the only command on `key`; refuses at once when another command holds it. */
  command<T>(key: string, title: string, where: string, fn: () => Promise<T>): Promise<T> {
    const running = this.commands.get(key);
    if (running !== undefined) {
      return Promise.reject(new MigrateError('state', `"${running}" is still running on ${where}; try again when it has finished.`));
    }
    this.commands.set(key, title);
    return this.enqueue(key, fn).finally(() => this.commands.delete(key));
  }

  private enqueue<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(fn);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
