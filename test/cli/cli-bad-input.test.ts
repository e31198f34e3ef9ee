import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVulnDb } from '../../src/vulndb/vuln-db.js';
import { buildCli, runCli, type CliRun } from './built-cli.js';

/** Bytes no error message may repeat: a marker, a terminal escape, and binary noise. */
const MARKER = 'vigil-raw-marker';
const HOSTILE = Buffer.concat([
  Buffer.from(`\x1b[31m${MARKER}\x00`),
  Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 7919) % 256)),
]);
const OSV_TEMPLATE = readFileSync(
  new URL('../server/testdata/osv/GHSA-vgil-test-0001.json', import.meta.url),
  'utf8',
);

let dir: string;
let vulnDb: string;

beforeAll(async () => {
  await buildCli();
  dir = mkdtempSync(join(tmpdir(), 'vigil-cli-bad-'));
  vulnDb = join(dir, 'vulndb.sqlite');
  await (await openVulnDb(vulnDb)).close();
  writeFileSync(join(dir, 'hostile.bin'), HOSTILE);
  writeFileSync(join(dir, 'hostile.json'), HOSTILE);
  mkdirSync(join(dir, 'oci'));
  writeFileSync(join(dir, 'oci', 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(join(dir, 'oci', 'index.json'), HOSTILE);
  // 3,000 real OSV records as gzip JSON Lines, and the same file cut in the middle.
  const doc = JSON.parse(OSV_TEMPLATE) as Record<string, unknown>;
  const lines = Array.from({ length: 3000 }, (_, i) =>
    JSON.stringify({ ...doc, id: `GHSA-vgil-bulk-${i}`, aliases: [`CVE-2099-${10_000 + i}`] }),
  );
  const gz = gzipSync(lines.join('\n') + '\n');
  writeFileSync(join(dir, 'osv.jsonl.gz'), gz);
  writeFileSync(join(dir, 'truncated.jsonl.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What every refusal must look like: one coded line, no stack, nothing of the input repeated. */
function expectCodedRefusal(r: CliRun, code: string, exit = 1): void {
  expect({ exit: r.code, stderr: r.stderr }).toEqual({
    exit,
    stderr: expect.stringMatching(new RegExp(`^vigil: error \\[${code}\\]: [^\\n]+\\n$`)) as string,
  });
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toContain('internal error');
  expect(r.stderr).not.toContain(MARKER);
  expect(r.stderr).not.toContain('\x1b');
}

async function osvRecords(): Promise<number> {
  const db = await openVulnDb(vulnDb);
  try {
    return (await db.status()).find((s) => s.feed.startsWith('osv'))?.recordCount ?? 0;
  } finally {
    await db.close();
  }
}

describe('vigil with bad input: a coded error naming the input, exit 1, never a stack trace', () => {
  it('db import of a truncated gzip: FEED_READ naming the file, and nothing imported', async () => {
    const path = join(dir, 'truncated.jsonl.gz');
    const r = await runCli(['db', 'import', '--db', vulnDb, path]);
    expectCodedRefusal(r, 'FEED_READ');
    expect(r.stderr).toContain(path);
    expect(await osvRecords()).toBe(0);
    // The whole file imports (so the rollback above had records to roll back).
    const whole = await runCli(['db', 'import', '--db', vulnDb, join(dir, 'osv.jsonl.gz')]);
    expect(whole.code).toBe(0);
    expect(await osvRecords()).toBe(3000);
  });

  it.each([
    ['kev', 'FEED_FORMAT'],
    ['nvd', 'FEED_FORMAT'],
    ['epss', 'FEED_FORMAT'],
    ['alpine-secdb', 'FEED_FORMAT'],
  ])('db import --feed %s of binary garbage: %s', async (feed, code) => {
    expectCodedRefusal(
      await runCli(['db', 'import', '--db', vulnDb, '--feed', feed, join(dir, 'hostile.bin')]),
      code,
    );
  });

  it('scan sbom and scan image oci: of garbage say what is wrong without echoing the bytes', async () => {
    expectCodedRefusal(
      await runCli(['scan', 'sbom', join(dir, 'hostile.json'), '--db', vulnDb]),
      'SBOM_INVALID',
    );
    const evil = join(dir, 'evil.cdx.json');
    writeFileSync(evil, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: `\x1b[2J${MARKER}` }));
    expectCodedRefusal(await runCli(['scan', 'sbom', evil, '--db', vulnDb]), 'SBOM_INVALID');
    expectCodedRefusal(
      await runCli(['scan', 'image', `oci:${join(dir, 'oci')}`, '--db', vulnDb]),
      'IMAGE_FORMAT_UNSUPPORTED',
    );
  });

  it('db update with a garbage config or URL, scan --output into no directory, an unreachable registry', async () => {
    expectCodedRefusal(
      await runCli(['db', 'update', '--db', vulnDb, '--config', join(dir, 'hostile.json')]),
      'USAGE',
      2,
    );
    expectCodedRefusal(
      await runCli(['db', 'update', '--db', vulnDb, '--source', 'kev', '--url', 'kev=not a url']),
      'USAGE',
      2,
    );
    const out = join(dir, 'no-such-dir', 'out.json');
    const sbom = join(dir, 'one.cdx.json');
    writeFileSync(sbom, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [] }));
    expectCodedRefusal(
      await runCli(['scan', 'sbom', sbom, '--db', vulnDb, '--output', out]),
      'OUTPUT_UNWRITABLE',
    );
    // Port 1 on loopback: nothing listens there.
    expectCodedRefusal(
      await runCli(['scan', 'image', '127.0.0.1:1/app:1', '--db', vulnDb]),
      'EGRESS_UNREACHABLE',
    );
  }, 60_000);

  it('scan sbom of 125,000 components: read and scanned, not "internal error: RangeError"', async () => {
    const components = Array.from({ length: 125_000 }, (_, i) => ({
      type: 'library',
      purl: `pkg:generic/c${i}@1`,
    }));
    components.push({ type: 'library', purl: 'pkg:npm/leftpad-vigil@1.0.0' });
    const path = join(dir, 'big.cdx.json');
    writeFileSync(path, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', components }));
    const r = await runCli(['scan', 'sbom', path, '--db', vulnDb, '--format', 'json']);
    expect({ code: r.code, internal: r.stderr.includes('internal error') }).toEqual({
      code: 0,
      internal: false,
    });
    const report = JSON.parse(r.stdout) as {
      findings: Array<{ packageVulnerabilityDetails?: { vulnerabilityId: string } }>;
    };
    // leftpad-vigil 1.0.0 is affected by the records imported above.
    expect(report.findings.length).toBeGreaterThan(0);
  }, 120_000);
});
