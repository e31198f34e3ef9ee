import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding-types.js';
import { scanTarget } from '../../src/scan/scan-service.js';
import type { VulnDb } from '../../src/vulndb/vuln-db.js';
import { debianRootfs } from '../fixtures/debian-rootfs.js';
import { tarBytes, writeOciLayout, type WrittenLayout } from '../image/fixtures/oci-layout-writer.js';
import { vigil } from './fixtures/cli-run.js';
import { matchingDbPath, openMatchingDb } from './fixtures/matching-db.js';

let db: VulnDb;
let tmp: string;
let layout: WrittenLayout;
let files: Record<string, string>;

beforeAll(async () => {
  db = await openMatchingDb();
  tmp = mkdtempSync(join(tmpdir(), 'vigil-image-scan-'));
  const root = await debianRootfs({ suite: 'bookworm' });
  // glibc set back to bookworm's first version, so the image has fixed findings too.
  const status = readFileSync(join(root, 'var/lib/dpkg/status'), 'utf8').replace(
    /^(Package: (?:libc6|libc-bin)\n(?:(?!\n\n)[\s\S])*?^Version: ).+$/gm,
    '$12.36-9',
  );
  const osRelease = readFileSync(join(root, 'usr/lib/os-release'), 'utf8');
  const requirements = readFileSync(new URL('./testdata/pypi-app/requirements.txt', import.meta.url), 'utf8');
  files = {
    'etc/os-release': osRelease,
    'var/lib/dpkg/status': status,
    'app/requirements.txt': requirements,
  };
  const os = await tarBytes([
    { name: 'etc/os-release', body: osRelease },
    { name: 'var/lib/dpkg/status', body: status },
  ]);
  const app = await tarBytes([{ name: 'app/requirements.txt', body: requirements }]);
  layout = writeOciLayout(join(tmp, 'layout'), [{ tar: os }, { tar: app }]);
});
afterAll(async () => {
  await db.close();
  rmSync(tmp, { recursive: true, force: true });
});

function keys(findings: readonly Finding[]): string[] {
  return findings
    .map((f) => {
      const d = f.packageVulnerabilityDetails;
      return `${d?.vulnerabilityId} ${d?.vulnerablePackages.map((p) => `${p.name}@${p.version}=${p.fixedInVersion}`).join(',')}`;
    })
    .sort();
}

describe('scanTarget({kind: image})', () => {
  it('finds in an OCI layout what a directory with the same files gives, attributed to layers', async () => {
    const image = await scanTarget(
      {
        kind: 'image',
        ref: `oci:${layout.dir}:latest`,
        options: { cacheDir: join(tmp, 'cache'), layerCache: false },
      },
      { store: db.store },
    );
    const dir = join(tmp, 'fs');
    const { mkdirSync, writeFileSync } = await import('node:fs');
    for (const [p, body] of Object.entries(files)) {
      mkdirSync(join(dir, p, '..'), { recursive: true });
      writeFileSync(join(dir, p), body);
    }
    const plain = await scanTarget({ kind: 'directory', path: dir }, { store: db.store });
    expect(image.findings.length).toBeGreaterThan(50);
    expect(keys(image.findings)).toEqual(keys(plain.findings));
    expect(image.findings.some((f) => f.fixAvailable === 'YES' && f.title.includes('libc6'))).toBe(true);
    const resource = image.findings[0]?.resources[0];
    expect(resource?.type).toBe('CONTAINER_IMAGE');
    expect(resource?.id).toMatch(/^sha256:/);
    for (const f of image.findings) {
      for (const p of f.packageVulnerabilityDetails?.vulnerablePackages ?? []) {
        const expected = p.purl.startsWith('pkg:deb/') ? layout.layerDigests[0] : layout.layerDigests[1];
        expect(p.layerDigest, p.purl).toBe(expected);
      }
    }
  });

  it('vigil scan image REF prints the same findings', async () => {
    const before = process.env['VIGIL_CACHE_DIR'];
    process.env['VIGIL_CACHE_DIR'] = join(tmp, 'cli-cache');
    try {
      const r = await vigil(
        'scan',
        'image',
        `oci:${layout.dir}:latest`,
        '--db',
        await matchingDbPath(),
        '--format',
        'json',
      );
      expect(r.code).toBe(0);
      const direct = await scanTarget(
        { kind: 'image', ref: `oci:${layout.dir}:latest`, options: { cacheDir: join(tmp, 'cache2') } },
        { store: db.store },
      );
      expect(keys((JSON.parse(r.stdout) as { findings: Finding[] }).findings)).toEqual(keys(direct.findings));
    } finally {
      if (before === undefined) delete process.env['VIGIL_CACHE_DIR'];
      else process.env['VIGIL_CACHE_DIR'] = before;
    }
  });
});
