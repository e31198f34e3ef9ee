import { jobsForRole } from './job-registry.js';
import type { ProcessRole, TaskRole } from '../core/process-role.js';
import type { SchedulerElection } from './scheduler-election.js';
import type { BackgroundTask, JobLogger, ServiceContext } from './service-context.js';

export interface RoleTask {
  role: TaskRole;
  task: BackgroundTask;
}

/**
 * The background tasks of one process: its worker tasks run from start to stop; its scheduler tasks
 * run only while the election says this process is the acting scheduler, and stop when it loses that.
 */
export class RoleTasks {
  readonly entries: readonly RoleTask[];

  constructor(
    ctx: ServiceContext,
    log: JobLogger,
    role: ProcessRole,
    private readonly election: SchedulerElection,
  ) {
    this.entries = jobsForRole(role, ctx.queue !== undefined).map((job) => ({
      role: job.role,
      task: job.create(ctx, log),
    }));
  }

  get tasks(): BackgroundTask[] {
    return this.entries.map((e) => e.task);
  }

  private of(role: TaskRole): BackgroundTask[] {
    return this.entries.filter((e) => e.role === role).map((e) => e.task);
  }

  start(): void {
    for (const t of this.of('worker')) t.start();
    if (this.of('scheduler').length === 0) return;
    this.election.start({
      acting: () => {
        for (const t of this.of('scheduler')) t.start();
      },
      standby: async () => {
        for (const t of this.of('scheduler')) await t.stop();
      },
    });
  }

  async stop(): Promise<void> {
    await this.election.stop();
    // At once, so one task's grace period (a scan finishing) does not add to another's.
    await Promise.all(this.tasks.map((t) => t.stop()));
  }
}
