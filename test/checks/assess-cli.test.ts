import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchmark, selectChecks } from '../../src/checks/benchmarks/benchmark-registry.js';
import { ASSESSMENT_CSV_COLUMNS } from '../../src/checks/formats/csv-assessment-format.js';
import type { CheckResult } from '../../src/checks/model/check-result.js';
import { debianRootfs } from '../fixtures/debian-rootfs.js';
import { vigil } from '../matching/fixtures/cli-run.js';

/** `vigil assess`: formats, exit codes, facts out and back in, and a live host, through the real CLI entry. */

let rootfs: string;
let work: string;
const L1_SERVER = selectChecks(benchmark('cis-debian12'), 1, 'server').length;

interface JsonReport {
  target: { description: string; mode: string };
  summary: { total: number; counts: Record<string, number> };
  results: CheckResult[];
}

beforeAll(async () => {
  rootfs = await debianRootfs({ suite: 'bookworm' });
  work = mkdtempSync(join(tmpdir(), 'vigil-assess-cli-'));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('vigil assess fs', () => {
  it('prints a table by default and exits 0 without --fail-on', async () => {
    const run = await vigil('assess', 'fs', rootfs);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('CIS Debian Linux 12 — level 1 server');
    expect(run.stdout).toMatch(
      new RegExp(
        `^${L1_SERVER} checks: \\d+ failed, 0 error, 0 skipped, \\d+ not applicable, \\d+ passed$`,
        'm',
      ),
    );
    for (const line of run.stdout.split('\n')) expect([...line].length).toBeLessThanOrEqual(100);
  });

  it('writes JSON with the fields the API keeps, one result per selected check', async () => {
    const run = await vigil(
      'assess',
      'fs',
      rootfs,
      '--format',
      'json',
      '--level',
      '2',
      '--profile',
      'workstation',
    );
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.results).toHaveLength(selectChecks(benchmark('cis-debian12'), 2, 'workstation').length);
    expect(report.target).toEqual({ description: `directory ${rootfs}`, mode: 'rootfs' });
    for (const r of report.results) {
      expect(Object.keys(r)).toEqual(
        expect.arrayContaining(['checkId', 'title', 'level', 'status', 'statusReason', 'cisSection']),
      );
      expect(r.statusReason.length).toBeGreaterThan(0);
    }
    expect(report.results.find((r) => r.checkId === 'cis-d12-5.1.8')?.level).toBe(1);
    expect(Object.values(report.summary.counts).reduce((a, b) => a + b, 0)).toBe(report.results.length);
    // The configuration a rootfs shows, and says so.
    expect(report.results.find((r) => r.checkId === 'cis-d12-1.5.1')?.statusReason).toContain(
      'a root filesystem cannot show the kernel default',
    );
  });

  it('writes CSV (RFC 4180) and SARIF 2.1.0 for the same results', async () => {
    const csv = await vigil('assess', 'fs', rootfs, '-f', 'csv');
    const rows: string[][] = parseCsv(csv.stdout);
    expect(rows[0]).toEqual([...ASSESSMENT_CSV_COLUMNS]);
    expect(rows).toHaveLength(L1_SERVER + 1);
    const sarif = JSON.parse((await vigil('assess', 'fs', rootfs, '-f', 'sarif')).stdout) as {
      version: string;
      runs: {
        tool: { driver: { rules: unknown[] } };
        results: { kind: string; level: string; ruleId: string }[];
      }[];
    };
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run?.tool.driver.rules).toHaveLength(L1_SERVER);
    expect(run?.results).toHaveLength(L1_SERVER);
    expect(new Set(run?.results.map((r) => r.kind))).toEqual(new Set(['pass', 'fail', 'notApplicable']));
    expect(run?.results.filter((r) => r.kind === 'fail').every((r) => r.level === 'error')).toBe(true);
  });

  it('exits 3 with --fail-on when a check ends in one of the statuses', async () => {
    expect((await vigil('assess', 'fs', rootfs, '--fail-on', '-f', 'json')).code).toBe(3);
    expect((await vigil('assess', 'fs', rootfs, '--fail-on', 'ERROR,SKIPPED', '-f', 'json')).code).toBe(0);
  });

  it('exits 2 on usage errors and 1 on a target that cannot be assessed, naming the problem', async () => {
    for (const args of [
      ['--level', '3'],
      ['--format', 'xml'],
      ['--profile', 'desktop'],
      ['--benchmark', 'cis-windows'],
      ['--fail-on', 'BAD'],
    ]) {
      const run = await vigil('assess', 'fs', rootfs, ...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain('[USAGE]');
    }
    const missing = await vigil('assess', 'fs', join(work, 'missing'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('[SCAN_TARGET_INVALID]');
  });

  it('writes the collected facts, and evaluates them again to the same results (facts in, results out)', async () => {
    const factsFile = join(work, 'facts.json');
    const first = await vigil('assess', 'fs', rootfs, '-f', 'json', '--facts-out', factsFile);
    const facts = JSON.parse(readFileSync(factsFile, 'utf8')) as {
      schema: string;
      facts: Record<string, unknown>;
    };
    expect(facts.schema).toBe('vigil.assessment-facts/v1');
    expect(Object.keys(facts.facts).length).toBeGreaterThan(100);
    const again = await vigil('assess', 'facts', factsFile, '-f', 'json');
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as JsonReport).results).toEqual(
      (JSON.parse(first.stdout) as JsonReport).results,
    );
    writeFileSync(
      join(work, 'bad.json'),
      JSON.stringify({ schema: 'vigil.assessment-facts/v1', target: {}, facts: [] }),
    );
    const bad = await vigil('assess', 'facts', join(work, 'bad.json'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('[ASSESSMENT_FACTS_INVALID]');
  });
});

describe('vigil assess host', () => {
  it('reads the running system: /proc for kernel settings and the CPU, and says so', async () => {
    const run = await vigil('assess', 'host', '--benchmark', 'security-best-practices', '-f', 'json');
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.target.mode).toBe('host');
    const byId = new Map(report.results.map((r) => [r.checkId, r]));
    expect(byId.get('sbp-aslr')?.statusReason).toContain('/proc/sys/kernel/randomize_va_space (runtime)');
    expect(byId.get('sbp-nx')?.statusReason).toContain('/proc/cpuinfo, /proc/cmdline (runtime)');
    expect(byId.get('sbp-system-dir-usr-bin')?.status).toBe('PASSED');
  });
});
