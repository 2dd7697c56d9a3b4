import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { interruptedNote, stopOnInterrupt } from '../../src/cli/interrupt.js';
import { projectRootForTests } from '../helpers/cli.js';

describe('stopOnInterrupt: Ctrl-C during a streamed run', () => {
  it('the first SIGINT asks the run to stop and says so, then steps aside for the next one; dispose removes the handler', () => {
    const said: string[] = [];
    // the test process may hold other SIGINT listeners (another test file's browser, in this shared worker): the
    // signal is given to ours alone, as process.emit would give it to every one
    const others = process.listeners('SIGINT');
    const stop = stopOnInterrupt('the backtest', (line) => said.push(line));
    const ours = process.listeners('SIGINT').filter((l) => !others.includes(l));
    expect(ours).toHaveLength(1);
    expect(stop.requested).toBe(false);
    (ours[0] as (signal: NodeJS.Signals) => void)('SIGINT');
    expect(stop.requested).toBe(true);
    expect(said).toEqual([expect.stringMatching(/Ctrl-C: the backtest stops once the day it is on is done .*Ctrl-C again to quit at once/)]);
    expect(process.listeners('SIGINT')).toEqual(others);
    stop.dispose();
    expect(process.listeners('SIGINT')).toEqual(others);
    const unused = stopOnInterrupt('the backtest', () => {});
    expect(process.listeners('SIGINT')).toHaveLength(others.length + 1);
    unused.dispose();
    expect(process.listeners('SIGINT')).toEqual(others);
  });

  it('a second Ctrl-C ends the process at once, even in the middle of a day that holds the thread', async () => {
    // a child that waits for the first Ctrl-C, then computes for 20 s without yielding (as the replay of a day does)
    const script = `
      import { stopOnInterrupt } from ${JSON.stringify(join(projectRootForTests, 'src', 'cli', 'interrupt.ts'))};
      const stop = stopOnInterrupt('the test run', (line) => process.stderr.write(line + '\\n'));
      process.stdout.write('ready\\n');
      while (!stop.requested) await new Promise((r) => setTimeout(r, 5));
      process.stdout.write('busy\\n');
      const until = Date.now() + 20000;
      while (Date.now() < until) {}
      process.stdout.write('finished the day\\n');
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: projectRootForTests });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const until = async (cond: () => boolean) => {
      for (const start = Date.now(); !cond(); await new Promise((r) => setTimeout(r, 20))) if (Date.now() - start > 60_000) throw new Error(`timed out: ${out} ${err}`);
    };
    await until(() => out.includes('ready'));
    child.kill('SIGINT');
    await until(() => out.includes('busy'));
    const sent = Date.now();
    child.kill('SIGINT');
    const end = await exited;
    expect(end.signal).toBe('SIGINT');
    expect(Date.now() - sent).toBeLessThan(10_000);
    expect(out).not.toContain('finished the day');
    expect(err).toMatch(/Ctrl-C: the test run stops once the day it is on is done/);
  }, 90_000);

  it('the note names the days covered and the range', () => {
    expect(interruptedNote(['2025-11-01', '2025-11-02'], ['2025-11-01', '2025-11-02', '2025-11-03'])).toBe("INTERRUPTED (Ctrl-C): the result covers 2025-11-01..2025-11-02 (2 days) of the range's 3 days 2025-11-01..2025-11-03");
    expect(interruptedNote([], ['2025-11-01'])).toMatch(/covers no day of the range's 1 day 2025-11-01\.\.2025-11-01/);
  });
});
