export interface ProgressReporter {
  /** Undefined when progress is not shown, so callers skip the work of reporting it. */
  onProgress?: (done: number, total: number, step: string) => void;
  stop(): void;
}

/**
 * A progress bar on `stream` only when it is a terminal: redirected stderr (CI logs, `2>file`) stays
 * free of control characters, and the bar library is not even loaded.
 */
export async function progressReporter(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  label: string,
  total: number,
): Promise<ProgressReporter> {
  if (!stream.isTTY) return { stop: () => undefined };
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} [{bar}] {value}/{total} {step}`,
      hideCursor: true,
      clearOnComplete: true,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  // Started at once: the first step (the tree walk) is the slowest, and a silent terminal looks hung.
  bar.start(total, 0, { step: '' });
  return {
    onProgress(done, _total, step) {
      bar.update(done, { step });
    },
    stop() {
      bar.stop();
    },
  };
}
