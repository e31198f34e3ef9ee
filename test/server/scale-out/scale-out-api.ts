import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { expect } from 'vitest';
import { tarBytes, writeOciLayout } from '../../image/fixtures/oci-layout-writer.js';
import { call } from '../api-server.js';

/** What the scale-out tests ask of the api process and the database, for account acct-1. */
export interface ScaleOutApi {
  base: string;
  key: string;
  registryHost: string;
  db: pg.Pool;
}

/** Asks the api to scan `repo:v1` from the test's registry; returns the scan id (202). */
export async function submitScan(a: ScaleOutApi, repo: string): Promise<string> {
  const r = await call(a.base, a.key, 'POST', '/v1/accounts/acct-1/image-scans', {
    reference: `${a.registryHost}/${repo}:v1`,
    insecure: true,
  });
  expect(r.status, JSON.stringify(r.json)).toBe(202);
  return (r.json as { scanId: string }).scanId;
}

export async function scanStatus(a: ScaleOutApi, scanId: string): Promise<string> {
  const r = await call(a.base, a.key, 'GET', `/v1/accounts/acct-1/scans/${scanId}`);
  return (r.json as { status: string }).status;
}

/** How many `vigil.scan.completed` events the outbox holds for the scan (once is right). */
export async function completedEvents(db: pg.Pool, scanId: string): Promise<number> {
  const r = await db.query<{ payload_json: string }>(
    "SELECT payload_json FROM outbox WHERE type = 'vigil.scan.completed'",
  );
  return r.rows.filter((row) => (JSON.parse(row.payload_json) as { scanId?: string }).scanId === scanId)
    .length;
}

/** Polls `cond` until it holds (the vitest timeout bounds it); a failing read counts as not yet. */
export async function until(cond: () => Promise<boolean>): Promise<void> {
  while (!(await cond().catch(() => false))) await sleep(200);
}

/**
 * A small Debian image, different per repository (so each scan has a resource of its own), under
 * `dir/layouts/<repo>`; `extra` files go into its one layer.
 */
export async function imageLayout(
  dir: string,
  repo: string,
  extra: ReadonlyArray<{ name: string; body: string }> = [],
): Promise<string> {
  const layer = await tarBytes([
    { name: 'etc/os-release', body: 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n' },
    {
      name: 'var/lib/dpkg/status',
      body: 'Package: zlib1g\nStatus: install ok installed\nVersion: 1:1.2.13.dfsg-1\nArchitecture: amd64\n\n',
    },
    { name: 'etc/image-name', body: repo },
    ...extra,
  ]);
  return writeOciLayout(join(dir, 'layouts', repo), [{ tar: layer }], 'v1').dir;
}
