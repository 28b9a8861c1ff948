/** Rows as columns padded to their widest cell, two spaces apart, as the docker CLI prints its tables. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i]! + 2))
          .join('')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
