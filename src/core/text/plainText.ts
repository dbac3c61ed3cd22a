/**
 * A message for a surface that renders no Markdown (a diagnostic, a tree item, a notification): names in
 * backticks lose them, so the reader sees `User.name` as User.name and not with literal quotes.
 */
export function plainText(message: string): string {
  return message.replace(/`([^`\n]+)`/g, '$1');
}

/** Text on one line, its whitespace collapsed, cut to `width` characters with an ellipsis: a statement in a row of a report. */
export function oneLine(text: string, width: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/** The first clause of a message, for a tree item's label in a narrow side bar; the whole goes to its tooltip. */
export function firstClause(message: string): string {
  const end = /[.,:;](\s|$)/.exec(message);
  return end ? message.slice(0, end.index) : message;
}
