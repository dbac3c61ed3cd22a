export type Core = typeof import('./coreModule');

/**
 * The core's database side, loaded on first use (see coreModule.ts): a bundle of its own, dist/core.js
 * (esbuild.mjs), so that loading the extension does not parse it.
 */
export function loadCore(): Promise<Core> {
  return Promise.resolve().then(() => require('./coreModule') as Core);
}
