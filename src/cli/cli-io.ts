/** Where commands write; tests pass their own to capture output without a child process. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Set by a command to ask for a specific exit code (e.g. 3 for --fail-on). */
  exitCode?: number;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr };
}
