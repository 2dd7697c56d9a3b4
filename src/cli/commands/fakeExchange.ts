import { startFakeOkxServer, type FakeFault, type FakeFaultKind } from '../../okx/fakeServer.js';
import { durationOption, listOption, numberOption, parseCommandArgs, printJson, UsageError } from '../command.js';

const KINDS: readonly FakeFaultKind[] = ['close', 'stall', 'notice', 'error', 'malformed', 'binary', 'checksum', 'seqGap'];

/** `kind@N`: inject `kind` after N data frames. */
function parseFault(text: string): FakeFault {
  const [kind, at] = text.split('@');
  if (!KINDS.includes(kind as FakeFaultKind) || !/^\d+$/.test(at ?? '')) {
    throw new UsageError(`--faults: "${text}" is not KIND@FRAMES with KIND one of ${KINDS.join(', ')}`);
  }
  return { kind: kind as FakeFaultKind, afterDataFrames: Number(at) };
}

export async function runFakeExchange(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      port: { type: 'string' },
      inst: { type: 'string' },
      faults: { type: 'string' },
      'interval-ms': { type: 'string' },
      steps: { type: 'string' },
      lifetime: { type: 'string' },
      checksums: { type: 'string' },
      clock: { type: 'string' },
      json: { type: 'boolean' },
    },
    { min: 0, max: 0 },
  );
  const port = numberOption('port', values.port, 0, (v) => Number.isInteger(v) && v >= 0 && v < 65536);
  const faults = (listOption('faults', values.faults) ?? []).map(parseFault);
  const stepIntervalMs = numberOption('interval-ms', values['interval-ms'], 5, (v) => v >= 0);
  const maxSteps = values.steps === undefined ? undefined : numberOption('steps', values.steps, 0, (v) => Number.isInteger(v) && v > 0);
  const lifetimeMs = durationOption('lifetime', values.lifetime, 10 * 60_000) as number;
  if (values.checksums !== undefined && values.checksums !== 'real' && values.checksums !== 'zero') throw new UsageError('--checksums must be real or zero');
  // the machine's clock by default, so that a recording's exchange and receive stamps agree as a real one's do
  // (the simulated clock starts at 2026-01-01 and runs at its own pace: reproducible, for tests)
  const clock = (values.clock ?? 'wall') as string;
  if (clock !== 'wall' && clock !== 'simulated') throw new UsageError(`--clock must be wall or simulated (got "${clock}")`);
  const server = await startFakeOkxServer({
    port,
    instruments: listOption('inst', values.inst) ?? ['ETH-USDT'],
    faults,
    stepIntervalMs,
    ...(maxSteps !== undefined ? { maxSteps } : {}),
    lifetimeMs,
    checksums: (values.checksums as 'real' | 'zero' | undefined) ?? 'real',
    clock,
    keepSentFrames: false,
  });
  if (values.json) printJson({ url: server.url, port: server.port, faults, lifetimeMs, clock });
  else process.stdout.write(`fake OKX exchange on ${server.url} (127.0.0.1 only) for ${lifetimeMs / 1000} s; ${clock === 'wall' ? "exchange time: this machine's clock" : 'exchange time: simulated from 2026-01-01T00:00Z, 1-20 ms a step'}; faults: ${faults.map((f) => `${f.kind}@${f.afterDataFrames}`).join(', ') || 'none'}\n`);
  let logged = 0;
  const timer = setInterval(() => {
    while (logged < server.log.length) process.stderr.write(`${new Date().toISOString()} ${server.log[logged++]}\n`);
  }, 100);
  const stop = () => void server.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (server.closed) {
        clearInterval(check);
        resolve();
      }
    }, 100);
  });
  clearInterval(timer);
  process.stderr.write(`fake exchange stopped: ${server.counts.frames} frames sent over ${server.counts.connections} connection(s), ${server.counts.faults} fault(s) injected\n`);
  return 0;
}
