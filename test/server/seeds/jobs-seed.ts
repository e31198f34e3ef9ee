import type { SeededIds } from './seed-context.js';

/**
 * The walk's server runs without a job queue (the embedded default), so account B has no dead-lettered
 * job to seed; `{jobId}` gets an id no answer could contain by chance, and a retry of it must be
 * refused (404) like any other. Account scoping of real dead letters, on pg-boss and in-process, is
 * test/server/job-queue-service.test.ts's.
 */
export function seedJobs(): Promise<SeededIds> {
  return Promise.resolve({ jobId: '0b0b0b0b-dead-4e77-8000-00000000000b' });
}
