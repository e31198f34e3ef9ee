import { Piscina } from 'piscina';
import { describe, expect, it } from 'vitest';
import { UploadFirstQueue, withQueueOptions } from './upload-first-queue.js';

type Queued = Parameters<UploadFirstQueue['push']>[0];

/** A task as piscina queues it: TaskInfo forwards the task's own queue options under the same symbol. */
function task(name: string, upload: boolean): Queued & { name: string } {
  return withQueueOptions({ name }, { upload }) as unknown as Queued & { name: string };
}

describe('UploadFirstQueue', () => {
  it('serves uploads before other work, each line oldest first', () => {
    const q = new UploadFirstQueue();
    for (const t of [task('report-1', false), task('checkin-1', true), task('image-1', false)]) q.push(t);
    q.push(task('checkin-2', true));
    expect(q.size).toBe(4);
    const order: string[] = [];
    for (let t = q.shift(); t; t = q.shift()) order.push((t as unknown as { name: string }).name);
    expect(order).toEqual(['checkin-1', 'checkin-2', 'report-1', 'image-1']);
    expect(q.size).toBe(0);
  });

  it('removes an abandoned task from its line; unshift puts one back at its head', () => {
    const q = new UploadFirstQueue();
    const a = task('a', true);
    const b = task('b', false);
    const c = task('c', false);
    for (const t of [a, b, c]) q.push(t);
    q.remove(b);
    q.unshift(b);
    q.remove(a);
    expect([q.shift(), q.shift(), q.shift()]).toEqual([b, c, null]);
  });

  it('a task without queue options is other work', () => {
    const q = new UploadFirstQueue();
    const plain = { [Piscina.queueOptionsSymbol]: null } as unknown as Queued;
    q.push(plain);
    q.push(task('up', true));
    expect((q.shift() as unknown as { name: string }).name).toBe('up');
    expect(q.shift()).toBe(plain);
  });
});
