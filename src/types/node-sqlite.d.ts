// The part of Node's built-in `node:sqlite` (Node ≥ 22.16) this project uses. @types/node stays at 20, the
// CLI's floor, which declares no `node:sqlite`: load it only through `require`, after checking it exists.
declare module 'node:sqlite' {
  type SQLInputValue = null | number | bigint | string | NodeJS.ArrayBufferView;
  type SQLOutputValue = null | number | bigint | string | Uint8Array;

  interface DatabaseSyncOptions {
    readOnly?: boolean;
    enableForeignKeyConstraints?: boolean;
    enableDoubleQuotedStringLiterals?: boolean;
    /** Added in Node 24.12 (off by default), on by default later (Node 24.22 here); older versions know no such option. */
    defensive?: boolean;
    timeout?: number;
  }

  interface StatementColumnMetadata {
    name: string;
    /** The declared type of the column the value comes from; null for expressions. */
    type: string | null;
  }

  class StatementSync {
    /** Rows as objects, or as arrays after `setReturnArrays(true)`. */
    all(...parameters: SQLInputValue[]): unknown[];
    run(...parameters: SQLInputValue[]): { changes: number | bigint; lastInsertRowid: number | bigint };
    columns(): StatementColumnMetadata[];
    setReadBigInts(enabled: boolean): void;
    setReturnArrays(enabled: boolean): void;
  }

  class DatabaseSync {
    constructor(path: string, options?: DatabaseSyncOptions);
    readonly isOpen: boolean;
    readonly isTransaction: boolean;
    exec(sql: string): void;
    prepare(sql: string): StatementSync;
    close(): void;
  }
}
