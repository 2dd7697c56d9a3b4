/** Reconnect delays: exponential growth with "equal jitter" (half fixed, half random), capped. */
export interface BackoffPolicy {
  /** Delay scale of the first retry, ms. */
  readonly initialMs: number;
  /** Cap on the delay scale, ms. */
  readonly maxMs: number;
  /** Growth per consecutive failure. */
  readonly factor: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 30_000, factor: 2 };

/**
 * Delay before reconnect attempt n (0-based): with scale `s = min(maxMs, initialMs·factor^n)`, uniform in
 * [s/2, s). The fixed half keeps a retry storm from hammering the exchange; the random half spreads many
 * recorders restarting at once. `reset()` after a connection delivered data.
 * @see AWS Architecture Blog, "Exponential Backoff And Jitter" (2015), equal jitter.
 */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly random: () => number,
  ) {}

  /** The delay for the next attempt, ms; counts one more failure. */
  nextDelayMs(): number {
    const { initialMs, maxMs, factor } = this.policy;
    const scale = Math.min(maxMs, initialMs * Math.pow(factor, this.failures));
    this.failures++;
    return scale / 2 + (this.random() * scale) / 2;
  }

  /** Consecutive failures since the last reset. */
  get attempts(): number {
    return this.failures;
  }

  reset(): void {
    this.failures = 0;
  }
}
