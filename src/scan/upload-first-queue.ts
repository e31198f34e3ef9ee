import { Piscina, type TaskQueue } from 'piscina';

type Task = Parameters<TaskQueue['push']>[0];

/** What a task says of itself to the queue (piscina hands it over as the task's queue options). */
export interface QueueOptions {
  upload: boolean;
}

/** Marks a task for the queue (a symbol key: structured cloning leaves it out of what the thread gets). */
export function withQueueOptions<T extends object>(task: T, options: QueueOptions): T {
  return Object.assign(task, { [Piscina.queueOptionsSymbol]: options });
}

function isUpload(task: Task): boolean {
  const options = task[Piscina.queueOptionsSymbol as keyof Task] as QueueOptions | null | undefined;
  return options?.upload === true;
}

/**
 * The worker threads' waiting line, as Dependency-Track learnt to keep it: what a host or a user just
 * sent (an agent's check-in, a submitted inventory) goes ahead of scheduled work (image re-scans,
 * reports), and each line is served oldest first.
 */
export class UploadFirstQueue implements TaskQueue {
  private readonly uploads: Task[] = [];
  private readonly others: Task[] = [];

  get size(): number {
    return this.uploads.length + this.others.length;
  }

  push(task: Task): void {
    (isUpload(task) ? this.uploads : this.others).push(task);
  }

  unshift(task: Task): void {
    (isUpload(task) ? this.uploads : this.others).unshift(task);
  }

  shift(): Task | null {
    return this.uploads.shift() ?? this.others.shift() ?? null;
  }

  remove(task: Task): void {
    for (const line of [this.uploads, this.others]) {
      const at = line.indexOf(task);
      if (at >= 0) {
        line.splice(at, 1);
        return;
      }
    }
  }
}
