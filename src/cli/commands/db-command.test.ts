import { createReadStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVulnDb } from '../../vulndb/vuln-db.js';
import { main } from '../cli-main.js';
import { sharedData } from '../../../test/fixtures/shared-data.js';

const FEEDS = join(import.meta.dirname, '../../feeds');
const SERVED: Record<string, string> = {
  '/kev.json': sharedData('kev/known_exploited_vulnerabilities.json'),
  '/epss.csv.gz': join(FEEDS, 'epss/testdata/epss-plain.csv.gz'),
  '/v3.19/main.json': join(FEEDS, 'alpine-secdb/testdata/v3.19-main.json'),
};

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await main(['node', 'vigil', ...argv], { stdout, stderr });
  return { code, out, err };
}

/** The fixture's two CVEs served one per page, as NVD pages a query. */
function nvdPage(url: string): unknown {
  const page = JSON.parse(readFileSync(join(FEEDS, 'nvd/testdata/nvd-cves-page.json'), 'utf8')) as {
    vulnerabilities: unknown[];
  };
  const start = Number(new URL(url, 'http://x').searchParams.get('startIndex') ?? 0);
  return {
    ...page,
    resultsPerPage: 1,
    startIndex: start,
    totalResults: 2,
    vulnerabilities: page.vulnerabilities.slice(start, start + 1),
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

describe('vigil db', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-dbcmd-'));
  const db = join(dir, 'vulndb.sqlite');
  let server: Server;
  let base: string;
  let closedPort: number;

  beforeAll(async () => {
    process.env['XDG_CONFIG_HOME'] = dir; // no user feed config leaks into the test
    server = createServer((req, res) => {
      if (req.url?.startsWith('/nvd?')) return void res.end(JSON.stringify(nvdPage(req.url)));
      const file = SERVED[req.url ?? ''];
      if (!file) return void res.writeHead(404).end('not here');
      res.writeHead(200, { 'last-modified': 'Mon, 25 Aug 2025 17:04:19 GMT' });
      createReadStream(file).pipe(res);
    });
    base = `http://127.0.0.1:${await listen(server)}`;
    const probe = createServer();
    closedPort = await listen(probe);
    await new Promise((r) => probe.close(r));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('imports local files of several formats, recognized by content', async () => {
    const r = await run(
      'db',
      'import',
      '--db',
      db,
      join(FEEDS, 'osv/testdata/debian-osv-sample.jsonl'),
      join(FEEDS, 'debian-tracker/testdata/cve-list.sample'),
      join(FEEDS, 'kev/testdata/kev-sample.json'),
      join(FEEDS, 'epss/testdata/epss-with-model-line.csv'),
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/imported 4 feed input\(s\): 8 new, 0 updated/);
    expect(r.out).toContain('3 KEV, 3 EPSS');
    expect(r.out).toContain('skipped parts: 1 × affected entry without package (GIT only)');
  });

  it('reports status with counts, dates and a staleness warning', async () => {
    const r = await run('db', 'status', '--db', db);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/osv-debian\s+5\s+\d+\s+2025-0\d-\d\d/);
    expect(r.out).toMatch(/kev\s+3\s+3\s+2025-08-25/);
    expect(r.out).toMatch(/WARNING: data older than 7 days/);
  });

  it('updates from the publishers (a local server here) atomically', async () => {
    const r = await run(
      'db',
      'update',
      '--db',
      db,
      '--source',
      'kev',
      'epss',
      'alpine-secdb',
      '--url',
      `kev=${base}/kev.json`,
      '--url',
      `epss=${base}/epss.csv.gz`,
      '--url',
      `alpine-secdb=${base}/v3.19/main.json`,
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('1404 KEV, 3 EPSS');
    const vdb = await openVulnDb(db);
    try {
      expect((await vdb.store.kev(['CVE-2025-48384'])).get('CVE-2025-48384')?.dateAdded).toBe('2025-08-25');
      // The plain EPSS file (no model line, so no score date) replaced the one imported before.
      const epss = await vdb.store.epss(['CVE-1999-0001', 'CVE-1999-0003']);
      expect(epss.size).toBe(2);
      expect(epss.get('CVE-1999-0001')?.date).toBeUndefined();
      const rows = await vdb.store.affected('Alpine:v3.19', ['openssl']);
      expect(rows.some((x) => x.vulnId === 'CVE-2019-1543' && x.fixedVersion === '1.1.1b-r1')).toBe(true);
    } finally {
      await vdb.close();
    }
  });

  it('follows NVD API pages', async () => {
    process.env['VIGIL_NVD_DELAY_MS'] = '0';
    const r = await run(
      'db',
      'update',
      '--db',
      db,
      '--source',
      'nvd',
      '--url',
      `nvd=${base}/nvd?resultsPerPage=1`,
    );
    expect(r.err).toBe('');
    expect(r.out).toContain('imported 2 feed input(s): 1 new, 0 updated, 1 withdrawn');
    const vdb = await openVulnDb(db);
    try {
      const cvss = await vdb.store.cvss(['CVE-2021-44228']);
      expect(cvss.get('CVE-2021-44228')?.map((c) => c.source)).toEqual(['nvd', 'cna', 'nvd']);
      expect((await vdb.store.records(['CVE-2099-0099'])).get('CVE-2099-0099')?.withdrawn).toBeDefined();
    } finally {
      await vdb.close();
    }
  });

  it('offline: a clear message, exit 1, DB unchanged', async () => {
    const before = (await run('db', 'status', '--db', db, '--json')).out;
    const r = await run(
      'db',
      'update',
      '--db',
      db,
      '--source',
      'kev',
      'epss',
      '--url',
      `kev=${base}/kev.json`,
      '--url',
      `epss=http://127.0.0.1:${closedPort}/epss.csv.gz`,
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain('FEED_UNREACHABLE');
    expect(r.err).toContain('ECONNREFUSED');
    expect(r.err).toContain('needs network access');
    expect((await run('db', 'status', '--db', db, '--json')).out).toBe(before);
  });

  it('an input refused by its feed gate (EPSS header) fails cleanly and changes nothing', async () => {
    const before = (await run('db', 'status', '--db', db, '--json')).out;
    const bad = join(dir, 'scores.csv');
    writeFileSync(bad, 'cve,score\nCVE-2020-0001,0.5\n');
    const r = await run('db', 'import', '--db', db, '--feed', 'epss', bad);
    expect(r.code).toBe(1);
    expect(r.err).toContain('FEED_FORMAT');
    expect((await run('db', 'status', '--db', db, '--json')).out).toBe(before);
  });

  it('refuses an unknown feed name and an unrecognizable file with usage errors', async () => {
    expect((await run('db', 'update', '--db', db, '--source', 'nonesuch')).code).toBe(2);
    const r = await run('db', 'import', '--db', db, join(FEEDS, 'debian-tracker/testdata/README.md'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('cannot tell which feed');
  });
});
