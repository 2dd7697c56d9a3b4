/**
 * Queue position models for the `queue` fill model: where a decrease of the displayed size at our price, not
 * explained by a trade, happened — in front of our order (we move up) or behind it (we do not). These are
 * hftbacktest's probabilistic queue models (`ProbQueueModel` with its `*ProbQueueFunc`s, hftbacktest 2.x,
 * `hftbacktest/src/backtest/models/queue.rs`), as pure functions of their arguments.
 *
 * With `front` the quantity ahead of our order and `back` the quantity behind it (the level's size before the
 * decrease minus `front`), a model gives `prob(front, back)`: the probability that the decrease came from behind
 * us. The update (`frontAfterDecrease`) then takes `(1 − prob)·decrease` from the front and `prob·decrease` from
 * the back; what the back cannot give also comes from the front.
 *
 * Bias: every model assumes cancellations spread over the queue by size alone. Real cancellations come more from
 * the back (recently placed, more likely to be withdrawn) so `power` with a larger n, which moves us up more
 * slowly when much is ahead, is the conservative side; `log` variants sit between power 1 and 2.
 */

/** Probability that a decrease of the level happened behind our order, from the quantities in front and behind. */
export type QueueProbability = (front: number, back: number) => number;

/** The models by name; `n` is the power of the power family. */
export const QUEUE_MODEL_NAMES = ['power', 'power2', 'power3', 'log', 'log2', 'riskAverse', 'optimistic', 'orderCount'] as const;
export type QueueModelName = (typeof QUEUE_MODEL_NAMES)[number];

export interface QueueModelSpec {
  readonly name: QueueModelName;
  /** Exponent of the power family (`power`, `power2`, `power3`); default 2 (`power`) or 3 (`power3`). */
  readonly n?: number;
}

/** Default: hftbacktest's `PowerProbQueueModel(2)`, what asmm's queue fills used before models were pluggable. */
export const DEFAULT_QUEUE_MODEL: QueueModelSpec = { name: 'power', n: 2 };

/**
 * The probability function of a model:
 * - `power` (PowerProbQueueFunc): f(back)/(f(back) + f(front)), f(x) = xⁿ;
 * - `power2` (PowerProbQueueFunc2): f(back)/f(back + front), f(x) = xⁿ;
 * - `power3` (PowerProbQueueFunc3): 1 − f(front/(front + back)), f(x) = xⁿ;
 * - `log` (LogProbQueueFunc): f(back)/(f(back) + f(front)), f(x) = ln(1 + x);
 * - `log2` (LogProbQueueFunc2): f(back)/f(back + front), f(x) = ln(1 + x);
 * - `riskAverse` (hftbacktest's RiskAdverseQueueModel): 1, every decrease behind us (only trades, and a level
 *   shrinking below what is ahead, move us up): the latest a fill can come, a bound;
 * - `optimistic`: 0, every decrease in front of us: the earliest, the other bound. The true fill of an order
 *   lies between the two (test/grading/fillModels.test.ts checks it against a market whose queue is known);
 * - `orderCount` (no peer has it): from the venue's order count per level (OKX `books`), the share of the
 *   level's orders behind ours, as if each order were as likely to be the one cancelled whatever its size. The
 *   replay tracks the orders ahead of ours (the level's count when we joined, less those cancelled or
 *   executed since); the function here is what it gives without counts (the size shares, power 1).
 *
 * @example queueProbability({ name: 'power', n: 2 })(1, 3) // 9 / (9 + 1) = 0.9: most of a decrease is behind us
 */
export function queueProbability(spec: QueueModelSpec): QueueProbability {
  const n = spec.n ?? (spec.name === 'power3' ? 3 : 2);
  if (!(n > 0 && Number.isFinite(n))) throw new RangeError(`queue model ${spec.name}: the power must be a positive number, got ${n}`);
  const pow = (x: number) => (n === 2 ? x * x : Math.pow(x, n));
  const log = (x: number) => Math.log1p(x);
  switch (spec.name) {
    case 'riskAverse':
      return () => 1;
    case 'optimistic':
      return () => 0;
    case 'orderCount':
      // the replay works from the counts (Desk#countedDecrease) and refuses a book without them; this, the share
      // of the size behind us, is the same rule by size (power 1), for a caller without a replay
      return (front, back) => back / (back + front);
    case 'power':
      return (front, back) => pow(back) / (pow(back) + pow(front));
    case 'power2':
      return (front, back) => pow(back) / pow(back + front);
    case 'power3':
      return (front, back) => 1 - pow(front / (front + back));
    case 'log':
      return (front, back) => log(back) / (log(back) + log(front));
    case 'log2':
      return (front, back) => log(back) / log(back + front);
    default:
      throw new RangeError(`unknown queue model ${(spec as { name: string }).name} (models: ${QUEUE_MODEL_NAMES.join(', ')})`);
  }
}

/**
 * The quantity ahead of our order after the displayed size at our price fell by `decrease` (> 0) with no trade to
 * explain it, as hftbacktest's `ProbQueueModel::depth`: front − (1 − p)·decrease + min(back − p·decrease, 0), at
 * most the new displayed size; `p` is the model's probability (1 when it is not finite: 0/0 when the level held
 * only us). One difference, on purpose: the result is at least 0. hftbacktest lets it go below 0 when more of the
 * decrease is put in front of us than was there, and its `is_filled` then counts the excess as a fill of our
 * order; here a decrease without a trade is cancellations, which move us up but never fill us.
 */
export function frontAfterDecrease(front: number, shownBefore: number, decrease: number, prob: QueueProbability): number {
  return frontAfterDecreaseBehind(front, shownBefore, decrease, prob(front, Math.max(0, shownBefore - front)));
}

/** `frontAfterDecrease` with the probability `pBehind` given (the `orderCount` model computes it from counts). */
export function frontAfterDecreaseBehind(front: number, shownBefore: number, decrease: number, pBehind: number): number {
  const back = Math.max(0, shownBefore - front);
  const p = Number.isFinite(pBehind) ? pBehind : 1;
  const est = front - (1 - p) * decrease + Math.min(back - p * decrease, 0);
  return Math.min(Math.max(0, est), Math.max(0, shownBefore - decrease));
}

/** `power`, `power:3`, `log2`: a model name with an optional power after a colon (the CLI's `--queue-model`). */
export function parseQueueModel(text: string): QueueModelSpec {
  const [name, power, ...rest] = text.split(':');
  if (rest.length || !(QUEUE_MODEL_NAMES as readonly string[]).includes(name)) {
    throw new RangeError(`--queue-model: expected one of ${QUEUE_MODEL_NAMES.join(', ')} with an optional :power (power:3), got "${text}"`);
  }
  if (power === undefined) return { name: name as QueueModelName };
  const n = Number(power);
  const powerless = !name.startsWith('power');
  if (!(n > 0 && Number.isFinite(n)) || powerless) throw new RangeError(`--queue-model: ${powerless ? `${name} takes no power` : `the power must be a positive number, got "${power}"`}`);
  return { name: name as QueueModelName, n };
}

/** The `--queue-model` text of a model: `power:2`, `log2` (`parseQueueModel` reads it back). */
export function queueModelText(spec: QueueModelSpec): string {
  return spec.n === undefined ? spec.name : `${spec.name}:${spec.n}`;
}

/** The queue state `countedDecrease` updates: quantity and orders ahead of ours, the level's size and count when last seen. */
export interface CountedQueue {
  ahead: number;
  lastShown: number;
  aheadOrders: number;
  lastCount: number;
}

/**
 * The `orderCount` model's step for a level change at our price not explained by a trade: the decrease came
 * from the level's cancelled orders, each as likely to be any of its orders, so a share aheadOrders / lastCount
 * of it from in front of ours; the orders ahead lose that share of the orders the count lost. `count` is the
 * level's order count after the change. Used by the top-N replay (Desk) and the full-depth replay alike.
 */
export function countedDecrease(o: CountedQueue, decrease: number, count: number): void {
  const lastCount = o.lastCount;
  if (decrease > 0 && o.ahead > 0) {
    const share = lastCount > 0 ? Math.min(1, o.aheadOrders / lastCount) : 1;
    o.ahead = frontAfterDecreaseBehind(o.ahead, o.lastShown, decrease, 1 - share);
    const removed = lastCount - count;
    if (removed > 0) o.aheadOrders = Math.max(0, o.aheadOrders - removed * share);
  }
  if (o.aheadOrders > count) o.aheadOrders = count;
  o.lastCount = count;
}
