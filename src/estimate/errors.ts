/** An estimate that cannot be computed from the data given (too little data, no variation where needed). */
export class EstimationError extends Error {
  override readonly name = 'EstimationError';
}

/** z for a two-sided 95 % normal interval. */
export const Z95 = 1.959963984540054;
