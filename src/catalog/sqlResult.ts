/**
 * A SQL result as columns: `columns` (names) and `data` (one array per column, JS values; DuckDB BIGINT/HUGEINT
 * become numbers when exactly representable, else stay bigint; DATE becomes `YYYY-MM-DD`, TIMESTAMP an ISO string).
 * `toRows()` gives records for `recordsFrame` (src/frame) and the plot figures; `toColumns()` a name → array map.
 * `notes`: what the conversion changed (a DECIMAL wider than a double's 15 digits read as a double).
 */
export class SqlResult {
  readonly data: unknown[][];
  constructor(
    readonly columns: string[],
    data: unknown[][],
    readonly notes: readonly string[] = [],
  ) {
    this.data = data.map((col) => col.map(toPlain));
  }

  get rowCount(): number {
    return this.data.length === 0 ? 0 : this.data[0].length;
  }

  column(name: string): unknown[] {
    const i = this.columns.indexOf(name);
    if (i < 0) throw new Error(`no column "${name}" in the result (columns: ${this.columns.join(', ')})`);
    return this.data[i];
  }

  toColumns(): Record<string, unknown[]> {
    return Object.fromEntries(this.columns.map((c, i) => [c, this.data[i]]));
  }

  toRows(): Array<Record<string, unknown>> {
    const n = this.rowCount;
    const out: Array<Record<string, unknown>> = new Array(n);
    for (let r = 0; r < n; r++) {
      const row: Record<string, unknown> = {};
      this.columns.forEach((c, i) => (row[c] = this.data[i][r]));
      out[r] = row;
    }
    return out;
  }

  /** CSV text (header then rows; strings quoted when they hold a comma, quote or line break). */
  toCsv(): string {
    const cell = (v: unknown) => {
      const s = v === null || v === undefined ? '' : String(v);
      return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    const lines = [this.columns.map(cell).join(',')];
    for (let r = 0; r < this.rowCount; r++) lines.push(this.data.map((col) => cell(col[r])).join(','));
    return lines.join('\n') + '\n';
  }
}

function toPlain(v: unknown): unknown {
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v;
  if (v instanceof Date) return v.toISOString();
  return v;
}

/** Digits a double holds exactly: a DECIMAL of more is rounded when read as one. */
const DOUBLE_DIGITS = 15;

/**
 * The note for DuckDB column types read as JS numbers with digits lost: DECIMAL(w, s) with w > 15 (a double
 * keeps 15 to 17 significant digits). Undefined when none.
 * @example wideDecimalNote(['x'], ['DECIMAL(20,18)']) // 'column x is DECIMAL(20,18): read as a double …'
 */
export function wideDecimalNote(columns: readonly string[], types: readonly string[]): string | undefined {
  const wide = columns.flatMap((c, i) => {
    const m = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(types[i]);
    return m && Number(m[1]) > DOUBLE_DIGITS ? [`${c} is ${types[i]}`] : [];
  });
  if (wide.length === 0) return undefined;
  return `column${wide.length > 1 ? 's' : ''} ${wide.join(', ')}: read as a double, which keeps ${DOUBLE_DIGITS} to 17 significant digits, so digits past them are rounded; cast to VARCHAR in the query to keep every digit`;
}
