export type Core = typeof import('./coreModule');

/** The core's database side, loaded on first use (see coreModule.ts). */
export function loadCore(): Promise<Core> {
  return import('./coreModule.js');
}
