import cliProgress from 'cli-progress';
import { NormaError } from '../services/errors.js';
import { LockHeldError, StoreError } from '../store/index.js';

/**
 * A progress reporter for long work: a bar on a terminal, a line every few seconds otherwise.
 * @example const p = progressBar(); p('reports', 10, 100); p.stop();
 */
export function progressBar(stream: NodeJS.WriteStream = process.stderr) {
  let bar: cliProgress.SingleBar | undefined;
  let phase = '';
  let lastLine = 0;
  const report = (name: string, done: number, total: number) => {
    if (stream.isTTY) {
      if (name !== phase) {
        bar?.stop();
        phase = name;
        bar = new cliProgress.SingleBar(
          { format: `${name.padEnd(8)} [{bar}] {percentage}% {value}/{total} {eta_formatted}`, stream, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done);
      } else {
        bar?.setTotal(total);
        bar?.update(done);
      }
    } else if (name !== phase || Date.now() - lastLine > 3000 || done >= total) {
      phase = name;
      lastLine = Date.now();
      stream.write(`${name}: ${done}/${total}\n`);
    }
  };
  return Object.assign(report, { stop: () => bar?.stop() });
}

/** Prints an error the way the API would word it and returns the exit code it maps to. */
export function reportError(e: unknown): number {
  if (e instanceof NormaError) {
    console.error(`norma: ${e.code}: ${e.message}`);
    for (const d of e.details) console.error(`  ${JSON.stringify(d)}`);
    return e.exitCode;
  }
  if (e instanceof LockHeldError || e instanceof StoreError) {
    console.error(`norma: ${e.message}`);
    return 1;
  }
  if (e && typeof e === 'object' && 'code' in e && String((e as { code: unknown }).code).startsWith('NORMA_ERR_')) {
    console.error(`norma: ${(e as { code: string }).code}: ${(e as unknown as Error).message}`);
    return 1;
  }
  console.error(`norma: ${(e as Error)?.stack ?? String(e)}`);
  return 1;
}
