import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding-types.js';
import { buildCli, runCli } from '../cli/built-cli.js';
import { matchingDbPath } from './fixtures/matching-db.js';

let tmp: string;
let db: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vigil-scan-sbom-'));
  [db] = await Promise.all([matchingDbPath(), buildCli()]);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('vigil scan sbom FILE (built CLI)', () => {
  it('reports GHSA findings for lodash 4.17.15 named by a CycloneDX 1.6 SBOM', async () => {
    const file = join(tmp, 'app.cdx.json');
    const bom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      version: 1,
      components: [
        { type: 'library', name: 'lodash', version: '4.17.15', purl: 'pkg:npm/lodash@4.17.15' },
        { type: 'library', name: 'checkout', version: 'v4', purl: 'pkg:github/actions/checkout@v4' },
      ],
    };
    writeFileSync(file, JSON.stringify(bom));
    const r = await runCli(['scan', 'sbom', file, '--format', 'json', '--db', db]);
    expect(r.stderr).toContain('in 1 packages');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { findings: Finding[] };
    const lodash = report.findings.filter((f) =>
      f.packageVulnerabilityDetails?.vulnerablePackages.some((p) => p.name === 'lodash'),
    );
    expect(lodash.length).toBeGreaterThan(0);
    const ids = lodash.flatMap((f) => [
      f.packageVulnerabilityDetails?.vulnerabilityId ?? '',
      ...(f.packageVulnerabilityDetails?.relatedVulnerabilities ?? []),
    ]);
    // Prototype pollution in zipObjectDeep, fixed in 4.17.16 (GHSA-p6mc-m468-83gw).
    expect(ids.join(' ')).toMatch(/CVE-2020-8203|GHSA-p6mc-m468-83gw/);
  });

  it('exits 1 with SBOM_INVALID for malformed JSON', async () => {
    const file = join(tmp, 'bad.json');
    writeFileSync(file, '{"bomFormat": ');
    const r = await runCli(['scan', 'sbom', file, '--format', 'json', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('SBOM_INVALID');
  });
});
