/** A migration folder's name as its timestamp and the words after it (`20260105093000_init` → `20260105093000`, `init`); a name without one is all words. */
export function migrationNameParts(name: string): { timestamp?: string; words: string } {
  const match = /^(\d{14})_(.+)$/.exec(name);
  return match ? { timestamp: match[1], words: match[2] } : { words: name };
}
