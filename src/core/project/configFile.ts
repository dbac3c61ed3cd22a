import { readdirSync } from 'node:fs';

type PrismaConfigModule = typeof import('@prisma/config');

/** @prisma/config loads effect and c12 (~0.2 s of every CLI start): required on first real use only. */
export function prismaConfigModule(): PrismaConfigModule {
  return require('@prisma/config') as PrismaConfigModule;
}

/**
 * The config file Prisma would find in `folder` (its own `findPrismaConfigFile`), without loading Prisma's
 * module where there can be none: every name it tries is `prisma.config.*`, `prisma7.config.*` or under
 * `.config/`.
 */
export function findPrismaConfigFile(folder: string): string | null {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return null;
  }
  const mayHoldConfig = names.some((name) => name === '.config' || name.startsWith('prisma.config') || name.startsWith('prisma7.config'));
  return mayHoldConfig ? prismaConfigModule().findPrismaConfigFile(folder) : null;
}
