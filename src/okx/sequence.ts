/**
 * The `seqId`/`prevSeqId` chain of OKX order-book channels (books, books-l2-tbt, books50-l2-tbt):
 * - a snapshot starts the chain (its prevSeqId is −1);
 * - normally an update's prevSeqId equals the seqId of the previous message;
 * - with no book change for a while OKX sends an empty update whose seqId equals prevSeqId equals the last seqId;
 * - after a sequence reset (maintenance) seqId is smaller than prevSeqId: accepted, and the chain continues from it;
 * - anything else is a gap: the book can no longer be trusted and must be resubscribed.
 * @see OKX API v5 docs, "Order book channel", seqId/prevSeqId notes.
 */
export type SequenceVerdict = 'start' | 'ok' | 'heartbeat' | 'reset' | 'gap' | 'unsequenced';

export class SequenceChain {
  private last: number | undefined;

  /** Checks a message's sequence numbers and advances the chain. */
  accept(action: 'snapshot' | 'update', seqId: number | undefined, prevSeqId: number | undefined): SequenceVerdict {
    if (seqId === undefined || prevSeqId === undefined) return 'unsequenced';
    if (action === 'snapshot') {
      this.last = seqId;
      return 'start';
    }
    if (this.last === undefined || prevSeqId !== this.last) return 'gap';
    this.last = seqId;
    if (seqId === prevSeqId) return 'heartbeat';
    if (seqId < prevSeqId) return 'reset';
    return 'ok';
  }

  /** Forgets the chain (after a gap, until the next snapshot). */
  reset(): void {
    this.last = undefined;
  }

  get lastSeqId(): number | undefined {
    return this.last;
  }
}
