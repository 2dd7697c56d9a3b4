/**
 * A plotly figure as plain data: `{data, layout}` exactly as `Plotly.newPlot(div, data, layout)` takes it.
 * Built in Node (plotly.js itself needs a browser) and rendered in a notebook, a standalone page or a PNG.
 * Arrays must be plain arrays (typed arrays do not survive JSON); `toPlain` converts.
 */
export interface PlotlyTrace {
  readonly type?: string;
  readonly name?: string;
  readonly x?: ReadonlyArray<number | string | null>;
  readonly y?: ReadonlyArray<number | string | null>;
  readonly [key: string]: unknown;
}

export interface PlotlyFigure {
  readonly data: readonly PlotlyTrace[];
  readonly layout: Readonly<Record<string, unknown>>;
}

/** A typed array (or any array-like) as a plain array, with NaN as null (plotly's gap). */
export function toPlain(values: ArrayLike<number>): Array<number | null> {
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Number.isNaN(values[i]) ? null : values[i];
  return out;
}

/** JSON safe to embed inside an HTML <script> element. */
export function scriptJson(value: unknown): string {
  const json = JSON.stringify(value);
  // one scan in the usual case (numbers and plain labels): nothing to escape
  if (!/[<\u2028\u2029]/.test(json)) return json;
  return json.replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
