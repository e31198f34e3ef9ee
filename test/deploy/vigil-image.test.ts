import { execFile, execFileSync, type ChildProcess } from 'node:child_process';
import {
  chownSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli } from '../cli/built-cli.js';
import { requireTool } from '../fixtures/required-tool.js';
import { readCompose } from './deploy-files.js';
import { commandUid, listeningUrl, runInRootfs, runToEnd } from './image-chroot.js';
import { snapshotVulnDb } from './snapshot-vulndb.js';
import { IMAGE_VERSION, vigilImage, type BuiltImage } from './vigil-image-fixture.js';

const run = promisify(execFile);
const VIGIL_UID = 10001;

interface ImageConfig {
  config: {
    User: string;
    Entrypoint: string[];
    Cmd: string[];
    Env: string[];
    ExposedPorts: Record<string, unknown>;
    Labels: Record<string, string>;
  };
}

interface ScanReport {
  os?: { id: string; versionId: string };
  packageCount: number;
  summary: Record<string, number>;
  findings: {
    severity: string;
    fixAvailable: string;
    packageVulnerabilityDetails?: { vulnerabilityId: string; vulnerablePackages: { name: string }[] };
  }[];
}

let image: BuiltImage;
let vulndb: string;
let scratch: string;
/** How many packages `vigil sbom` finds in the image (the scan must see the same). */
let packageCount = -1;
/** The image's root filesystem as a runtime lays it out (`umoci unpack` of the built image). */
let rootfs: string;

beforeAll(async () => {
  vulndb = await snapshotVulnDb();
  image = await vigilImage();
  rootfs = image.rootfs;
  scratch = mkdtempSync(join(tmpdir(), 'vigil-image-'));
}, 1_200_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

async function imageConfig(): Promise<ImageConfig> {
  const skopeo = requireTool('skopeo', 'skopeo');
  const { stdout } = await run(skopeo, ['inspect', '--config', `oci:${image.oci}:${IMAGE_VERSION}`]);
  return JSON.parse(stdout) as ImageConfig;
}

describe('the vigil OCI image (deploy/image/build-image.sh)', () => {
  it('runs `vigil server` as the non-root vigil user, with its probe as a label', async () => {
    const { config } = await imageConfig();
    expect(config.User).toBe(`${VIGIL_UID}:${VIGIL_UID}`);
    expect(config.Entrypoint).toEqual(['/usr/local/bin/vigil', 'server']);
    expect(config.Cmd.slice(0, 4)).toEqual(['--host', '0.0.0.0', '--port', '8080']);
    expect(Object.keys(config.ExposedPorts)).toEqual(['8080/tcp']);
    expect(config.Env).toContain('HOME=/var/lib/vigil');
    // The same probe compose runs (OCI configs have no healthcheck field).
    const composeProbe = readCompose().services['api']?.healthcheck?.test.slice(1).join(' ');
    expect(config.Labels['io.vigil.healthcheck']).toBe(composeProbe?.replace(/-e (.*)$/, '-e "$1"'));
    const passwd = readFileSync(join(rootfs, 'etc/passwd'), 'utf8');
    expect(passwd).toMatch(
      new RegExp(`^vigil:x:${VIGIL_UID}:${VIGIL_UID}:.*:/var/lib/vigil:/usr/sbin/nologin$`, 'm'),
    );
    // The application is root's: the server cannot rewrite its own code.
    expect(statSync(join(rootfs, 'opt/vigil/dist/cli/cli-main.js')).uid).toBe(0);
    expect(statSync(join(rootfs, 'var/lib/vigil')).uid).toBe(VIGIL_UID);
  });

  it('the docker-archive holds the same image under the name compose and Kubernetes use', () => {
    const text = execFileSync(requireTool('tar', 'tar'), ['-xOf', image.archive, 'manifest.json'], {
      encoding: 'utf8',
    });
    const manifest = JSON.parse(text) as { RepoTags: string[] }[];
    expect(manifest[0]?.RepoTags).toEqual([readCompose().services['api']?.image]);
  });

  it('vigil inventories its own image: Debian 13 with Node 20, the production npm tree only', async () => {
    const sbom = await runCli(['sbom', 'image', `docker-archive:${image.archive}`, '-f', 'cyclonedx-json']);
    expect(sbom.code).toBe(0);
    const components = (JSON.parse(sbom.stdout) as { components: Component[] }).components;
    const installed = (prefix: string, name: string): Component | undefined =>
      components.find((c) => c.purl?.startsWith(prefix) && c.name === name);
    expect(installed('pkg:deb/debian/', 'nodejs')?.version).toMatch(/^20\.\d+\.\d+/);
    const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version: string }>;
    };
    for (const name of ['fastify', 'better-sqlite3', 'kysely']) {
      const found = installed('pkg:npm/', name);
      expect(found?.version, name).toBe(lock.packages[`node_modules/${name}`]?.version);
      expect(property(found, 'filePath'), name).toBe(`/opt/vigil/node_modules/${name}/package.json`);
    }
    // No dev dependency ships, not even as a lockfile entry: the test runner and the compiler are not in the image.
    for (const dev of ['vitest', 'typescript', 'eslint', 'kubernetes-models'])
      expect(
        components.filter((c) => c.name === dev),
        dev,
      ).toEqual([]);
    packageCount = components.filter((c) => c.purl).length;
  });

  it('vigil scans its own image (oci layout) with the shipped data: the README figures', async () => {
    const scan = await runCli([
      'scan',
      'image',
      `oci:${image.oci}:${IMAGE_VERSION}`,
      '--db',
      vulndb,
      '-f',
      'json',
    ]);
    expect(scan.stderr).toMatch(/findings in \d+ packages/);
    expect(scan.code).toBe(0);
    const report = JSON.parse(scan.stdout) as ScanReport;
    expect(report.os).toMatchObject({ id: 'debian', versionId: '13' });
    // The oci layout and the docker-archive are one image: one inventory.
    expect(report.packageCount).toBe(packageCount);
    for (const f of report.findings)
      expect(f.packageVulnerabilityDetails?.vulnerabilityId).toMatch(/^(CVE|GHSA|DSA|DLA)-/);
    const fixable = report.findings.filter((f) => f.fixAvailable !== 'NO').length;
    const bytes = (path: string): number => statSync(path).size;
    console.info(
      `vigil image: ${(blobBytes(image.oci) / 1e6).toFixed(1)} MB compressed, ` +
        `${(bytes(image.archive) / 1e6).toFixed(1)} MB docker-archive; scan: ${report.packageCount} packages, ` +
        `${report.findings.length} findings ${JSON.stringify(count(report.findings.map((f) => f.severity)))}, ` +
        `${fixable} with a fix`,
    );
  });
});

describe("the image's own Node serves vigil as the vigil user (chroot in a private mount and pid namespace)", () => {
  let server: ChildProcess | undefined;
  afterAll(() => {
    if (server?.pid) process.kill(-server.pid, 'SIGKILL');
  });

  it('answers /health, and the image probe passes against it and fails without it', async () => {
    // The volume, with the vulnerability DB a first start would make from the image's snapshot made
    // ahead (that takes ~30 s; the same code made it, from the same snapshot).
    const volume = join(scratch, 'volume');
    mkdirSync(volume, { mode: 0o750 });
    copyFileSync(vulndb, join(volume, 'vulndb.sqlite'));
    for (const path of [volume, join(volume, 'vulndb.sqlite')]) chownSync(path, VIGIL_UID, VIGIL_UID);
    const where = { rootfs, uid: VIGIL_UID, volume };
    server = runInRootfs(where, [
      '/usr/local/bin/vigil',
      'server',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--database',
      'sqlite:/var/lib/vigil/vigil.sqlite',
      '--db',
      '/var/lib/vigil/vulndb.sqlite',
    ]);
    const url = await listeningUrl(server);
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(commandUid(server.pid ?? 0)).toBe(VIGIL_UID);

    const probe = (await imageConfig()).config.Labels['io.vigil.healthcheck'] ?? '';
    const port = new URL(url).port;
    const passes = await runToEnd(where, ['sh', '-c', probe.replace(':8080/', `:${port}/`)]);
    expect(passes).toEqual({ code: 0, output: '' });
    const fails = await runToEnd(where, ['sh', '-c', probe.replace(':8080/', ':1/')]);
    expect(fails).toEqual({ code: 1, output: '' });
  });
});

interface Component {
  name: string;
  version: string;
  purl?: string;
  properties?: { name: string; value: string }[];
}

function property(c: Component | undefined, name: string): string | undefined {
  return c?.properties?.find((p) => p.name === `vigil:package:${name}`)?.value;
}

/** The image's compressed size: its blobs in the OCI layout (after `umoci gc`, only this image's). */
function blobBytes(oci: string): number {
  const dir = join(oci, 'blobs', 'sha256');
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

function count(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
