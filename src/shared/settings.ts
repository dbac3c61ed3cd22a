/** What the language server reads from the `prismaMigrations` settings (pulled per document's folder). */
export interface ServerSettings {
  diagnostics: { enable: boolean };
}

export const SETTINGS_SECTION = 'prismaMigrations';

export const DEFAULT_SERVER_SETTINGS: ServerSettings = { diagnostics: { enable: true } };

/** The `source` of every diagnostic the server publishes. */
export const DIAGNOSTIC_SOURCE = 'prisma-migrations';
