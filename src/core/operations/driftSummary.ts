export interface DriftSection {
  /** e.g. "Added tables", "Changed the `User` table". */
  title: string;
  /** What the section lists, e.g. "Sneaky", "Added column `x`". */
  items: string[];
}

/**
 * The engine's drift summary as sections for the Migrations view. The engine writes
 * `[+] Added tables` / `[*] Changed the \`User\` table` headings with indented `- name` or `[+] change`
 * lines; unknown lines are kept as items so nothing the engine says is dropped.
 */
export function driftSections(summary: string): DriftSection[] {
  const sections: DriftSection[] = [];
  for (const line of summary.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const text = line.trim().replace(/^(\[[+*\-]\]|-)\s*/, '');
    if (!/^\s/.test(line) || sections.length === 0) sections.push({ title: text, items: [] });
    else sections[sections.length - 1].items.push(text);
  }
  return sections;
}
