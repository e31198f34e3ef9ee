/** One JSON line per event on stderr (the journal keeps it; tests and log shippers parse it). Never secrets. */
export type AgentLog = (
  level: 'info' | 'warn' | 'error',
  event: string,
  fields?: Record<string, unknown>,
) => void;

export function jsonLineLog(out: NodeJS.WritableStream, now: () => Date = () => new Date()): AgentLog {
  return (level, event, fields = {}) => {
    out.write(`${JSON.stringify({ time: now().toISOString(), level, event, ...fields })}\n`);
  };
}
