/**
 * What one vigil process does (`vigil server --role`, `vigil worker`). `all` is the embedded default:
 * one process serves the API and runs every background task. Scaled out, `api` processes serve HTTP
 * only, `worker` processes consume queued work, and `scheduler` processes run the timer tasks, of
 * which exactly one acts at a time (scheduler-election.ts).
 */
export const PROCESS_ROLES = ['api', 'worker', 'scheduler', 'all'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

/** The kind of a background task: a consumer of queued work, or a timer task (job-registry.ts). */
export type TaskRole = 'worker' | 'scheduler';

export function isProcessRole(value: string): value is ProcessRole {
  return (PROCESS_ROLES as readonly string[]).includes(value);
}

/** Whether a process in `role` serves the API (the others serve /health and /ready at most). */
export function servesApi(role: ProcessRole): boolean {
  return role === 'api' || role === 'all';
}

/** Whether a process in `role` runs the background tasks of kind `task`. */
export function runsTasks(role: ProcessRole, task: TaskRole): boolean {
  return role === 'all' || role === task;
}
