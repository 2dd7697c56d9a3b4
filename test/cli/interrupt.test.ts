import { afterEach, describe, expect, it, vi } from 'vitest';
import { INTERRUPTED_EXIT_CODE, interruptedNote, stopOnInterrupt } from '../../src/cli/interrupt.js';

describe('stopOnInterrupt: Ctrl-C during a streamed run', () => {
  afterEach(() => vi.restoreAllMocks());

  it('the first SIGINT asks the run to stop and says so; the second quits at once with 130; dispose removes the handler', () => {
    const said: string[] = [];
    const before = process.listenerCount('SIGINT');
    const stop = stopOnInterrupt('the backtest', (line) => said.push(line));
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    expect(stop.requested).toBe(false);
    process.emit('SIGINT');
    expect(stop.requested).toBe(true);
    expect(said).toEqual([expect.stringMatching(/Ctrl-C: the backtest stops after the day at hand .*Ctrl-C again to quit at once/)]);
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    process.emit('SIGINT');
    expect(exit).toHaveBeenCalledWith(INTERRUPTED_EXIT_CODE);
    expect(said[1]).toMatch(/stopped at once .*nothing written/);
    stop.dispose();
    expect(process.listenerCount('SIGINT')).toBe(before);
  });

  it('the note names the days covered and the range', () => {
    expect(interruptedNote(['2025-11-01', '2025-11-02'], ['2025-11-01', '2025-11-02', '2025-11-03'])).toBe('INTERRUPTED (Ctrl-C): the result covers 2025-11-01..2025-11-02 (2 days) of the range\'s 3 days 2025-11-01..2025-11-03');
    expect(interruptedNote([], ['2025-11-01'])).toMatch(/covers no day of the range's 1 day 2025-11-01\.\.2025-11-01/);
  });
});
