import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secdbFeeds } from '../../src/feeds/alpine-secdb/secdb-feed.js';
import { scanTarget } from '../../src/scan/scan-service.js';
import { openVulnDb, type VulnDb } from '../../src/vulndb/vuln-db.js';
import { sharedData } from '../fixtures/shared-data.js';

const SECDB = sharedData('alpine-secdb.tar.gz');
const INSTALLED: Record<string, string> = {
  busybox: '1.36.1-r15',
  openssl: '3.1.4-r0',
  zlib: '1.3.1-r0',
  musl: '1.2.4-r2',
};

let db: VulnDb;
let tmp: string;
let root: string;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vigil-alpine-'));
  db = await openVulnDb(join(tmp, 'db.sqlite'));
  await db.import(await secdbFeeds(SECDB));
  root = join(tmp, 'rootfs');
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'lib/apk/db'), { recursive: true });
  writeFileSync(
    join(root, 'etc/os-release'),
    'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n',
  );
  writeFileSync(
    join(root, 'lib/apk/db/installed'),
    Object.entries(INSTALLED)
      .map(
        ([p, v]) => `C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\nP:${p}\nV:${v}\nA:x86_64\nS:1\nI:1\nT:${p}\no:${p}\n`,
      )
      .join('\n') + '\n',
  );
});
afterAll(async () => {
  await db.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Plain `X.Y.Z-rN` versions compared as numbers; anything fancier is below every installed version here. */
function simpleLess(a: string, b: string): boolean | undefined {
  const parse = (v: string) => /^(\d+(?:\.\d+)*)-r(\d+)$/.exec(v);
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return undefined;
  const xs = [...(x[1] as string).split('.').map(Number), Number(x[2])];
  const ys = [...(y[1] as string).split('.').map(Number), Number(y[2])];
  for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
    const d = (xs[i] ?? -1) - (ys[i] ?? -1);
    if (d !== 0) return d < 0;
  }
  return false;
}

describe('Alpine: origin packages against secdb for v3.19 only', () => {
  it('reports exactly the CVEs whose fix is above the installed version; "0" means not affected', async () => {
    const result = await scanTarget({ kind: 'directory', path: root }, { store: db.store });
    expect(result.inventory.os?.id).toBe('alpine');
    expect(result.inventory.packages.filter((p) => p.ecosystem === 'apk')).toHaveLength(4);
    const text = execFileSync('tar', ['-xzOf', SECDB, 'alpine-secdb/3.19/main.json'], { encoding: 'utf8' });
    const doc = JSON.parse(text) as {
      packages: { pkg: { name: string; secfixes: Record<string, string[] | null> } }[];
    };
    const expected = new Set<string>();
    for (const { pkg } of doc.packages) {
      const installed = INSTALLED[pkg.name];
      if (!installed) continue;
      for (const [fixed, ids] of Object.entries(pkg.secfixes)) {
        if (fixed === '0') continue;
        if (simpleLess(installed, fixed) === true)
          for (const id of ids ?? []) expected.add(`${id.split(' ')[0]} ${pkg.name} ${fixed}`);
      }
    }
    const mine = new Set<string>();
    for (const f of result.findings) {
      for (const m of f.packageVulnerabilityDetails?.matches ?? []) {
        expect(m.ecosystem).toBe('Alpine:v3.19');
        mine.add(`${m.recordId} ${m.packageName} ${m.fixedVersion}`);
      }
    }
    expect([...mine].sort()).toEqual([...expected].sort());
    expect(expected.size).toBeGreaterThan(3);
    const zlib = result.findings.filter((f) => f.title.includes('zlib'));
    expect(zlib.map((f) => f.packageVulnerabilityDetails?.vulnerabilityId)).not.toContain('CVE-2023-45853');
    console.log(`alpine v3.19: ${mine.size} (record, origin, fixed) matches = secdb reading`);
  });
});
