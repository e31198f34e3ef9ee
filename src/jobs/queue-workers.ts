import { QUEUE_JOBS } from './queue-jobs.js';
import type { JobQueue } from './queue/job-queue.js';
import type { ReadinessCheck } from './readiness.js';
import type { TaskRole } from '../core/process-role.js';
import type { ServiceContext } from './service-context.js';

/**
 * Makes this process a consumer of the queue job types of `roles` (QUEUE_JOBS: every type is the
 * worker role's). `stop` aborts long handlers on shutdown: a scan goes back QUEUED, a re-match batch
 * fails and is retried, a delivery ends at its next step.
 */
export async function consumeQueueJobs(
  ctx: ServiceContext,
  stop: AbortSignal,
  roles: readonly TaskRole[] = ['worker'],
): Promise<number> {
  const queue = ctx.queue;
  if (!queue) return 0;
  let n = 0;
  for (const job of QUEUE_JOBS) {
    if (!roles.includes(job.role)) continue;
    await queue.work(job.type, job.handler({ ctx, stop }));
    n++;
  }
  return n;
}

/** /ready's `queue` check: the queue's store answers (pg-boss: its PostgreSQL). */
export function queueCheck(queue: JobQueue): ReadinessCheck {
  return {
    name: 'queue',
    check: async () => {
      if (!(await queue.reachable())) throw new Error('the job queue does not answer');
    },
  };
}
