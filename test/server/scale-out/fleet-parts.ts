import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { expect } from 'vitest';
import type { Finding } from '../../../src/findings/finding-types.js';
import { rootAgentArgs, startAgent, type AgentProcess } from '../../agent/fixtures/agent-process.js';
import { rootfsCopy, type RootfsCopy } from '../../agent/fixtures/rootfs-overlay.js';
import { runCli } from '../../cli/built-cli.js';
import { debianRootfs } from '../../fixtures/debian-rootfs.js';
import { tarBytes, writeOciLayout } from '../../image/fixtures/oci-layout-writer.js';
import { push, type RunningRegistry } from '../../image/fixtures/registry-server.js';
import { startReceiver, type Receiver } from '../webhooks-receiver.js';

/** A finding as every side can name it: the vulnerability and the exact package versions it is about. */
export const keyOf = (f: Finding): string =>
  `${f.packageVulnerabilityDetails?.vulnerabilityId}|${(
    f.packageVulnerabilityDetails?.vulnerablePackages ?? []
  )
    .map((p) => `${p.name}@${p.version}`)
    .sort()
    .join(',')}`;

/** Identity keys of what the one-shot CLI finds (`vigil scan fs ROOT` or `vigil scan image REF`). */
export async function cliKeys(args: readonly string[], vulnDb: string): Promise<string[]> {
  const r = await runCli([...args, '--format', 'json', '--db', vulnDb]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { findings: Finding[] }).findings.map(keyOf).sort();
}

/**
 * Small Debian images (one layer: bookworm's os-release and dpkg status, glibc set back to bookworm's
 * first version so there are findings with a fix), different per name (a file naming it), as OCI
 * layouts under `dir/<name>` with tag v1.
 */
export async function debianImages(dir: string, names: readonly string[]): Promise<Record<string, string>> {
  const root = await debianRootfs({ suite: 'bookworm' });
  const status = readFileSync(join(root, 'var/lib/dpkg/status'), 'utf8').replace(
    /^(Package: (?:libc6|libc-bin)\n(?:(?!\n\n)[\s\S])*?^Version: ).+$/gm,
    '$12.36-9',
  );
  const osRelease = readFileSync(join(root, 'usr/lib/os-release'), 'utf8');
  const out: Record<string, string> = {};
  for (const name of names) {
    const layer = await tarBytes([
      { name: 'etc/os-release', body: osRelease },
      { name: 'var/lib/dpkg/status', body: status },
      { name: 'etc/image-name', body: name },
    ]);
    out[name] = writeOciLayout(join(dir, name.replace(/\//g, '_')), [{ tar: layer }], 'v1').dir;
  }
  return out;
}

export interface FleetHost {
  name: string;
  root: RootfsCopy;
  agent: AgentProcess;
}

/**
 * Real `vigil agent` processes, one per suite, each on its own overlay copy of a cached debootstrap
 * rootfs (with a machine id of its own), enrolling with `token` at `server` and checking in every second.
 */
export async function startFleet(
  server: string,
  token: string,
  suites: ReadonlyArray<'bookworm' | 'bullseye'>,
): Promise<FleetHost[]> {
  const hosts: FleetHost[] = [];
  for (const [i, suite] of suites.entries()) {
    const root = await rootfsCopy(await debianRootfs({ suite }), suite);
    writeFileSync(join(root.dir, 'etc/machine-id'), `${randomBytes(16).toString('hex')}\n`);
    writeFileSync(join(root.dir, 'etc/hostname'), `fleet-${i + 1}\n`);
    const tokenFile = join(root.dir, '..', 'token');
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    const agent = await startAgent({
      args: rootAgentArgs({ server, root: root.dir, stateDir: join(root.dir, '..', 'state'), tokenFile }),
    });
    hosts.push({ name: suite, root, agent });
  }
  return hosts;
}

/** The `notifications:` section of docker-registry's config: push events to vigil with the secret. */
export function notificationsConfig(url: string, secret: string): string {
  return [
    'notifications:',
    '  endpoints:',
    '    - name: vigil',
    `      url: ${url}`,
    '      headers:',
    `        Authorization: [Bearer ${secret}]`,
    '      timeout: 5s',
    '      threshold: 3',
    '      backoff: 1s',
    '      ignoredmediatypes:',
    '        - application/octet-stream',
    '',
  ].join('\n');
}

/** Pushes `repo:v1` (its layout in `layouts`) with skopeo straight to docker-registry; its digest. */
export async function pushImage(
  registry: RunningRegistry,
  layouts: Readonly<Record<string, string>>,
  repo: string,
): Promise<string> {
  await push(layouts[repo] ?? '', 'v1', registry, `${repo}:v1`);
  const head = await fetch(`http://${registry.host}/v2/${repo}/manifests/v1`, {
    method: 'HEAD',
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
  });
  const digest = head.headers.get('docker-content-digest') ?? '';
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  return digest;
}

/** The scans of an image (the registry's doing: the test never calls the scan API), with their errors. */
export async function scansOf(
  db: pg.Pool,
  digest: string,
): Promise<Array<{ id: string; status: string; error: unknown }>> {
  const r = await db.query<{ id: string; status: string; request_json: string; error_json: string | null }>(
    'SELECT id, status, request_json, error_json FROM scans',
  );
  return r.rows
    .filter((s) => (JSON.parse(s.request_json) as { digest?: string }).digest === digest)
    .map((s) => ({ id: s.id, status: s.status, error: JSON.parse(s.error_json ?? 'null') as unknown }));
}

/**
 * A webhook receiver (test/server/webhooks-receiver.ts) that answers 503 to the first copy of every
 * 20th event (the sender must try again) and, once told, never answers the first copy of the next new
 * event (its sender can then be killed mid-delivery).
 */
export async function startRefusingReceiver(): Promise<{ receiver: Receiver; holdNextNewEvent: () => void }> {
  let hold = false;
  const seen = new Set<string>();
  const receiver = await startReceiver((event) => {
    const first = !seen.has(event.id);
    seen.add(event.id);
    if (first && hold) {
      hold = false;
      return { status: 'hang' };
    }
    return { status: first && Number(event.id.slice('evt-'.length)) % 20 === 0 ? 503 : 200 };
  });
  return { receiver, holdNextNewEvent: () => (hold = true) };
}
