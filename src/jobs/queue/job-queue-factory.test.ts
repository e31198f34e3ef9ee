import { describe, expect, it } from 'vitest';
import { openJobQueue } from './job-queue-factory.js';

describe('openJobQueue', () => {
  it('refuses pg-boss on a SQLite service DB with a typed error', () => {
    let caught: unknown;
    try {
      openJobQueue('pg-boss', { dialect: 'sqlite', url: 'sqlite:/tmp/x.sqlite' }, 1);
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code: 'JOB_QUEUE_CONFIG' });
  });

  it('opens the in-process queue on any DB', async () => {
    const q = openJobQueue('in-process', { dialect: 'sqlite' }, 2);
    expect(q.kind).toBe('in-process');
    expect(await q.reachable()).toBe(true);
  });
});
