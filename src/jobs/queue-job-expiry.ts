import { REGISTRY_POLL_BUDGET_MS } from '../scan/registry-poll.js';

/**
 * How long pg-boss lets a worker hold each job type before it hands the job on (the worker died:
 * kill -9, a lost node). pg-boss's default is 15 minutes for every type, so a job held by a dead worker
 * waited that long whatever its size. Each type's hold is its own time budget plus a margin; a live
 * worker slower than its hold costs a repeat, which every handler absorbs (queue-jobs.ts: each claims
 * its row by state). Image scans (`staleAfterMs` of --scan-timeout, queue-feeder-job.ts), reports
 * (REPORT_EXPIRE_SECONDS there) and webhook deliveries (`webhookDeliverExpirySeconds`, queue-jobs.ts)
 * keep theirs where they are sent.
 */

/**
 * A re-match batch's cost grows with its hosts: here 200 hosts (the default --rematch-batch-size) took
 * from a few seconds to about a minute on 2 loaded cores, i.e. up to ~0.3 s a host. 3 s a host is ten
 * times that, within [2, 10] minutes: the floor covers a small batch's fixed costs (opening the
 * vulnerability DB's statements, a busy service DB), the ceiling a dead worker's batch waits at most
 * 10 minutes before another worker takes it.
 */
export function rematchBatchExpirySeconds(hosts: number): number {
  return Math.min(600, Math.max(120, Math.ceil(hosts * 3)));
}

/**
 * One host's CIS facts parsed, validated and assessed, and one row written. Measured here on a
 * minbase bookworm's Level 2 document (50 KB), 2 cores at load 10: 8 ms median, 63 ms worst of 20;
 * scaled to the 8 MiB cap, about 1.5 s. Two minutes is a wide margin that still hands a dead worker's
 * job on soon.
 */
export const CIS_EVALUATE_EXPIRE_SECONDS = 120;

/**
 * A Classic run's evaluation reads its hosts' stored CIS results and writes its CONFIGURATION findings
 * in one transaction: no I/O beyond the service DB and no budget of its own (the one-host Classic case
 * of test/cis/cis-queue.test.ts runs in about a second, evaluation included). Five minutes leaves room
 * for a large fleet on a busy database, a third of the 15 minutes a dead worker's run used to wait.
 */
export const CLASSIC_EVALUATE_EXPIRE_SECONDS = 5 * 60;

/** A registry poll: its listing budget (registry-poll.ts) and a minute to record what it found. */
export const REGISTRY_POLL_EXPIRE_SECONDS = Math.ceil(REGISTRY_POLL_BUDGET_MS / 1000) + 60;
