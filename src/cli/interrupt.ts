/**
 * Ctrl-C during a long streamed run (a catalog range replayed a day at a time): the first SIGINT asks the run to
 * stop once the day it is replaying is done, so that the days done still give their result, report and JSON,
 * said to be partial, with exit code 130; a second SIGINT quits at once, nothing written. JavaScript sees the
 * first signal only when the run waits (while it reads a day, never inside the replay of one), so the run reads
 * `requested` after reading each day, before replaying it; the handler then steps aside, and the second signal
 * gets the default action, which ends the process even in the middle of a day. `dispose` removes the handler.
 * @example
 * const stop = stopOnInterrupt('the backtest');
 * try { for await (const day of days) { replay(day); if (stop.requested) break; } } finally { stop.dispose(); }
 */
export interface InterruptRequest {
  readonly requested: boolean;
  dispose(): void;
}

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT's number, as shells report it). */
export const INTERRUPTED_EXIT_CODE = 130;

export function stopOnInterrupt(
  what: string,
  say: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  /** When the run stops, and what it then does. */
  when = 'once the day it is on is done (a day being read is left out)',
  then = 'writes the result of the days done',
  /** What the second Ctrl-C does (it must end the process); default: Node's, which ends it at once. */
  again?: () => void,
): InterruptRequest {
  let requested = false;
  const onSignal = () => {
    requested = true;
    // the next Ctrl-C ends the process (`again`, or Node's default once no listener is left), replaying or not
    process.off('SIGINT', onSignal);
    if (again) process.once('SIGINT', again);
    say(`asmm: Ctrl-C: ${what} stops ${when} and ${then} (Ctrl-C again to quit at once)`);
  };
  process.on('SIGINT', onSignal);
  return {
    get requested() {
      return requested;
    },
    dispose() {
      process.off('SIGINT', onSignal);
      if (again) process.off('SIGINT', again);
    },
  };
}

/**
 * A Ctrl-C handler for a write that is all or nothing (a file's catalog import, a sample run into a catalog):
 * `takeOut` undoes what was written, synchronously, and returns the line that says so; the handler prints it
 * and ends the process by the signal itself (the handler is a `once` listener, so none is left: Node's
 * default, as a shell expects of Ctrl-C), not by process.exit, whose clean-up would wait on a Parquet write
 * that calls back into this thread.
 */
export function quitTakingOut(takeOut: () => string): () => void {
  return () => {
    process.stderr.write(`${takeOut()}\n`);
    process.kill(process.pid, 'SIGINT');
  };
}

/** What a result says of a range cut short by Ctrl-C: the days it covers out of the range's. */
export function interruptedNote(daysCovered: readonly string[], rangeDates: readonly string[]): string {
  const covered = daysCovered.length === 0 ? 'no day' : `${daysCovered[0]}..${daysCovered[daysCovered.length - 1]} (${daysCovered.length} day${daysCovered.length === 1 ? '' : 's'})`;
  return `INTERRUPTED (Ctrl-C): the result covers ${covered} of the range's ${rangeDates.length} day${rangeDates.length === 1 ? '' : 's'} ${rangeDates[0]}..${rangeDates[rangeDates.length - 1]}`;
}

/**
 * Ctrl-C over a catalog range read a day at a time (see stopOnInterrupt): `days(source)` gives the source's days
 * until a Ctrl-C and never one read after it (asked for again only while no Ctrl-C came, and let go if one came
 * while it was read), and keeps the dates it gave in `done`; `cutShort` says whether days of the range
 * (`rangeDates`) were left, `note()` is then the INTERRUPTED note. The handler goes when the days end.
 * @example
 * const interrupt = new DayRangeInterrupt('the backtest', () => rangeDates);
 * for await (const day of interrupt.days(catalogDays)) replay(day);
 * if (interrupt.cutShort) notes.unshift(interrupt.note()!);
 */
export class DayRangeInterrupt {
  readonly done: string[] = [];
  private readonly stop: InterruptRequest;

  constructor(
    what: string,
    private readonly rangeDates: () => readonly string[],
  ) {
    this.stop = stopOnInterrupt(what);
  }

  async *days<T extends { readonly date: string }>(source: AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
    const it = source[Symbol.asyncIterator]();
    let ended = false;
    try {
      while (!this.stop.requested) {
        const next = await it.next();
        if (next.done) {
          ended = true;
          return;
        }
        if (this.stop.requested) return;
        this.done.push(next.value.date);
        yield next.value;
      }
    } finally {
      this.stop.dispose();
      if (!ended) await it.return?.();
    }
  }

  get cutShort(): boolean {
    return this.stop.requested && this.done.length < this.rangeDates().length;
  }

  note(): string | undefined {
    return this.cutShort ? interruptedNote(this.done, this.rangeDates()) : undefined;
  }
}
