import * as vscode from 'vscode';
import { DEFAULT_DEV_HOSTS } from '../core/safety/devHosts';

const SECTION = 'prismaMigrations';

/** The extension's settings, typed; read at the moment of use so a change applies to the next action. */
export interface Settings {
  /** Schema file or folder, relative to the workspace folder; empty = discover. */
  schemaPath: string;
  /** Migrations folder, relative to the workspace folder; empty = next to the schema (or prisma.config.ts's). */
  migrationsPath: string;
  allowedDevHosts: readonly string[];
  autoRefresh: boolean;
  /** A dev database larger than this is copied for a rehearsal only when asked for by name. */
  rehearsalMaxSizeMB: number;
}

export type SettingName = keyof Settings;

export function readSettings(scope?: vscode.Uri): Settings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  return {
    schemaPath: config.get<string>('schemaPath', '').trim(),
    migrationsPath: config.get<string>('migrationsPath', '').trim(),
    allowedDevHosts: config.get<string[]>('allowedDevHosts', [...DEFAULT_DEV_HOSTS]),
    autoRefresh: config.get<boolean>('autoRefresh', true),
    rehearsalMaxSizeMB: config.get<number>('rehearsalMaxSizeMB', 1000),
  };
}

export function settingId(name: SettingName): string {
  return `${SECTION}.${name}`;
}

export function affectsSetting(event: vscode.ConfigurationChangeEvent, ...names: SettingName[]): boolean {
  return names.some((name) => event.affectsConfiguration(settingId(name)));
}
