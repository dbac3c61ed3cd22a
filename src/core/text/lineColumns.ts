/** 1-based line and column positions of UTF-16 offsets in one text (what JavaScript, VS Code and Prisma count). */
export interface LineColumn {
  line: number;
  column: number;
}

/** Maps offsets to positions; the line starts are found once per text. */
export function lineColumns(text: string): (offset: number) => LineColumn {
  const starts = [0];
  for (let i = 0; i < text.length; i += 1) if (text[i] === '\n') starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low] + 1 };
  };
}
