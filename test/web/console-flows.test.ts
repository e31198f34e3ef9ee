import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download, expectStatus } from '../server/e2e/api-helpers.js';
import {
  aggregate,
  eq,
  findingHistory,
  listAllFindings,
  parseCount,
  sum,
  type Finding,
} from './fixtures/api-client.js';
import { openBrowser, signIn, type OpenBrowser } from './fixtures/browser.js';
import { ACCOUNT_A, ACCOUNT_B, seedConsole, type SeededConsole } from './fixtures/console-seed.js';
import { debianRootfs } from '../fixtures/debian-rootfs.js';
import { inventoryOfRootfs } from '../server/e2e/inventory-fixtures.js';
import { labFacts } from '../../src/network/testing/facts-builder.js';

/**
 * Issue 14's flows in Debian's Chromium against the real `vigil server` process, seeded with real
 * scans. Every number the console shows is held to what the API answers a bearer key. Steps share
 * one signed-in browser and run in order.
 */
let world: SeededConsole;
let browser: OpenBrowser;
let pkg = '';
const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNTRIAGED'] as const;

beforeAll(async () => {
  world = await seedConsole();
  browser = await openBrowser();
  // A package of account A with several active findings, but fewer than one page (50).
  const groups = await aggregate(world.base, world.keys.root, 'PACKAGE', { accountId: [eq(ACCOUNT_A)] });
  const pick = groups.find((g) => g.severityCounts.all >= 3 && g.severityCounts.all < 50);
  if (!pick) throw new Error(`no package of ${ACCOUNT_A} with 3–49 findings: ${JSON.stringify(groups)}`);
  pkg = pick.key['packageName'] ?? '';
});

afterAll(async () => {
  await browser?.close();
  await world?.stop();
});

const ids = (fs: readonly Finding[]): string[] => fs.map((f) => f.id).sort();
const sessionCookie = async (): Promise<string | undefined> =>
  (await browser.context.cookies(world.base)).find((c) => c.name === 'vigil_session')?.value;

/** Enrolls an agent host in account B and returns its check-in, as an agent would call it. */
async function enrollHost(
  hostname: string,
  machineId: string,
): Promise<{ host: { hostKey: string; resourceId: string }; checkin: (b: object) => Promise<unknown> }> {
  const { token } = await expectStatus<{ token: string }>(
    201,
    world.base,
    world.keys.adminB,
    'POST',
    `/v1/accounts/${ACCOUNT_B}/enrollment-tokens`,
    {},
  );
  const host = await expectStatus<{ hostKey: string; resourceId: string }>(
    201,
    world.base,
    '',
    'POST',
    '/v1/agent/enroll',
    { token, machineId, hostname, agentVersion: '0.1.0' },
  );
  const checkin = (body: object): Promise<unknown> =>
    expectStatus(200, world.base, host.hostKey, 'POST', '/v1/agent/checkin', {
      agentVersion: '0.1.0',
      sentAt: new Date().toISOString(),
      inventoryHash: '',
      ...body,
    });
  return { host, checkin };
}

/** The finding ids the explorer shows, read from the links of its result rows. */
async function shownIds(): Promise<string[]> {
  const { page } = browser;
  await page.locator('.state-loading').waitFor({ state: 'detached' });
  const links = await page.locator('table.data-table a.finding-link').all();
  const hrefs = await Promise.all(links.map(async (a) => (await a.getAttribute('href')) ?? ''));
  return hrefs.map((h) => decodeURIComponent(h.replace(/^\/findings\//, ''))).sort();
}

describe('the console in a real browser (issue 14)', () => {
  it('signs in: an HttpOnly, SameSite=Strict cookie that expires, and the key kept nowhere in the page', async () => {
    await signIn(browser.page, world.base, world.keys.root);
    const cookie = (await browser.context.cookies(world.base)).find((c) => c.name === 'vigil_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie?.expires ?? -1).toBeGreaterThan(Date.now() / 1000);
    const stored = await browser.page.evaluate<string>(
      'JSON.stringify([{ ...localStorage }, { ...sessionStorage }])',
    );
    expect(stored).not.toContain('vk_');
    expect(await browser.page.evaluate<string>('document.cookie')).not.toContain('vigil_session');
  });

  it("shows the dashboard numbers the API's aggregations give", async () => {
    const { page } = browser;
    const bySeverity = sum(await aggregate(world.base, world.keys.root, 'SEVERITY'));
    await page.getByTestId('active-total').waitFor();
    expect(parseCount(await page.getByTestId('active-total').textContent())).toBe(bySeverity.all);
    for (const s of SEVERITIES) {
      const key = s.toLowerCase() as keyof typeof bySeverity;
      expect(parseCount(await page.getByTestId(`active-${s}`).textContent()), s).toBe(bySeverity[key]);
    }
    const kev = sum(
      await aggregate(world.base, world.keys.root, 'SEVERITY', { exploitAvailable: [eq('YES')] }),
    );
    expect(parseCount(await page.getByTestId('kev-critical').textContent())).toBe(kev.critical);
    const fix = sum(await aggregate(world.base, world.keys.root, 'SEVERITY', { fixAvailable: [eq('YES')] }));
    expect(parseCount(await page.getByTestId('fix-available').textContent())).toBe(fix.all);
    // The 30-day trend's last day (today, counted live) is the same open findings.
    const trend = await expectStatus<{ days: Array<{ day: string; counts: typeof bySeverity }> }>(
      200,
      world.base,
      world.keys.root,
      'GET',
      '/v1/findings/trend?days=30',
    );
    expect(trend.days.at(-1)?.counts).toEqual(bySeverity);
    await page.getByText('Daily counts as a table').click();
    const lastDay = await page
      .locator('#trend-heading ~ details tbody tr')
      .last()
      .locator('td')
      .allTextContents();
    expect(lastDay.slice(1).map(parseCount)).toEqual(
      SEVERITIES.map((s) => bySeverity[s.toLowerCase() as keyof typeof bySeverity]),
    );
    const top = await aggregate(
      world.base,
      world.keys.root,
      'PACKAGE',
      {},
      { sortBy: 'CRITICAL', maxResults: '10' },
    );
    const rows = page.getByTestId('top-package').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(top.length);
    const shown = await Promise.all((await rows.all()).map((tr) => tr.locator('td').allTextContents()));
    expect(shown.map((r) => [r[0], parseCount(r[1] ?? ''), parseCount(r[3] ?? '')])).toEqual(
      top.map((g) => [g.key['packageName'], g.severityCounts.critical, g.severityCounts.all]),
    );
  });

  it('shows coverage as GET /v1/coverage/statistics and GET /v1/coverage give it (issue 12)', async () => {
    const { page } = browser;
    type Stats = { countsByGroup: Array<{ count: number; groupKey: string }>; totalCounts: number };
    const stats = await expectStatus<Stats>(
      200,
      world.base,
      world.keys.root,
      'GET',
      '/v1/coverage/statistics?groupBy=SCAN_STATUS_CODE',
    );
    const count = (key: string) => stats.countsByGroup.find((g) => g.groupKey === key)?.count ?? 0;
    // The seeded scans made resources: the panel has something real to show, not "not available".
    expect(stats.totalCounts).toBeGreaterThan(0);
    await page.getByTestId('coverage-scanning').waitFor();
    expect(parseCount(await page.getByTestId('coverage-scanning').textContent())).toBe(count('ACTIVE'));
    expect(parseCount(await page.getByTestId('coverage-not-scanning').textContent())).toBe(count('INACTIVE'));
    const byType = await expectStatus<Stats>(
      200,
      world.base,
      world.keys.root,
      'GET',
      '/v1/coverage/statistics?groupBy=RESOURCE_TYPE',
    );
    const typeRows = page.getByTestId('coverage-by-type').locator('tbody tr');
    await expect.poll(() => typeRows.count()).toBe(byType.countsByGroup.length);
    const shownTypes = await Promise.all(
      (await typeRows.all()).map((tr) => tr.locator('td').allTextContents()),
    );
    expect(shownTypes.map((r) => [r[0], parseCount(r[1] ?? '') + parseCount(r[2] ?? '')])).toEqual(
      byType.countsByGroup.map((g) => [g.groupKey, g.count]),
    );
    // Each resource of account A shows its own scan status and reason.
    const filter = encodeURIComponent(JSON.stringify({ accountId: [eq(ACCOUNT_A)] }));
    const covered = await expectStatus<{
      coveredResources: Array<{ resourceId: string; scanStatus: { statusCode: string; reason: string } }>;
    }>(200, world.base, world.keys.root, 'GET', `/v1/coverage?filter=${filter}`);
    expect(covered.coveredResources.length).toBeGreaterThan(0);
    const want = new Map(
      covered.coveredResources.map((c) => [
        c.resourceId,
        `${c.scanStatus.statusCode === 'ACTIVE' ? 'Scanning' : 'Not scanning'} · ${c.scanStatus.reason}`,
      ]),
    );
    await page.goto(`${world.base}/resources?account=${ACCOUNT_A}`);
    const rows = page.getByTestId('resources-table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    const shownRows = async (): Promise<Array<[string, string]>> =>
      Promise.all(
        (await rows.all()).map(async (tr): Promise<[string, string]> => {
          const href = (await tr.locator('td[data-label="Resource"] a').getAttribute('href')) ?? '';
          const id = decodeURIComponent(href.slice(href.lastIndexOf('/') + 1));
          return [id, (await tr.locator('td[data-label="Status"]').textContent()) ?? ''];
        }),
      );
    await expect.poll(async () => (await shownRows()).every(([, text]) => text !== '…')).toBe(true);
    for (const [id, text] of await shownRows()) expect({ id, text }).toEqual({ id, text: want.get(id) });
  });

  it('filters findings to one package with a chip kept in the URL: rows equal GET /v1/findings', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Findings', exact: true }).click();
    await page.getByLabel('Field').selectOption('packageName');
    await page.getByLabel('Value').fill(pkg);
    await page.getByRole('button', { name: 'Add filter' }).click();
    await expect.poll(() => page.getByTestId('filter-chip').textContent()).toBe(`Package = ${pkg}×`);
    expect(decodeURIComponent(page.url())).toContain(
      `"packageName":[{"comparison":"EQUALS","value":"${pkg}"}]`,
    );
    const api = await listAllFindings(world.base, world.keys.root, { packageName: [eq(pkg)] });
    expect(api.length).toBeGreaterThan(0);
    await expect.poll(shownIds).toEqual(ids(api));
    // The same address opened afresh shows the same rows: the filter lives in the URL.
    await page.goto(page.url());
    await expect.poll(shownIds).toEqual(ids(api));
  });

  it('opens a finding and shows its score explained as the API has it', async () => {
    const { page } = browser;
    const api = await listAllFindings(world.base, world.keys.root, { packageName: [eq(pkg)] });
    const scored = api.find((f) => f.scoreDetails) ?? api[0];
    if (!scored) throw new Error('no finding');
    await page.locator(`a[href="/findings/${scored.id}"]`).first().click();
    await page.getByTestId('score-explanation').waitFor();
    if (scored.scoreDetails) {
      expect(await page.getByTestId('score-vector').textContent()).toBe(scored.scoreDetails.baseVector);
      expect(await page.getByTestId('score-source').textContent()).toBe(scored.scoreDetails.source);
    }
    expect(await page.getByTestId('score-kev').textContent()).toMatch(
      scored.exploitAvailable === 'YES' ? /^Yes/ : /^No$/,
    );
    expect(await page.getByTestId('score-epss').textContent()).toContain(
      scored.epss ? 'percentile' : 'no EPSS',
    );
    expect(await page.getByTestId('remediation').textContent()).toBe(scored.remediation.recommendation.text);
    const pkgs = scored.packageVulnerabilityDetails?.vulnerablePackages ?? [];
    await expect
      .poll(() => page.getByTestId('vulnerable-packages').locator('tbody tr').count())
      .toBe(pkgs.length);
    // The status history is the API's, entry for entry (every seeded finding has at least "created").
    const history = await findingHistory(world.base, world.keys.root, scored.id);
    expect(history.length).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByTestId('status-history').locator('li').allTextContents())
      .toEqual(history.map((h): unknown => expect.stringContaining(`${h.status} (${h.event})`)));
    await page.goBack();
  });

  it('creates a suppression rule from the filter with a preview count, and the count drops', async () => {
    const { page } = browser;
    const filter = { packageName: [eq(pkg)], accountId: [eq(ACCOUNT_A)] };
    const before = sum(await aggregate(world.base, world.keys.root, 'SEVERITY', filter)).all;
    expect(before).toBeGreaterThan(0);
    await page.goto(
      `${world.base}/findings?filter=${encodeURIComponent(JSON.stringify({ ...filter, findingStatus: [eq('ACTIVE')] }))}`,
    );
    await expect.poll(async () => (await shownIds()).length).toBe(before);
    await page.getByRole('button', { name: 'Create suppression rule from these filters' }).click();
    await expect.poll(() => page.getByTestId('rule-preview-count').textContent()).toBe(String(before));
    await page.getByLabel('Name').fill(`accepted risk: ${pkg}`);
    await page.getByLabel('Reason').fill('tracked elsewhere');
    await page.getByRole('button', { name: 'Create rule' }).click();
    await expect
      .poll(() => page.getByTestId('rule-created').textContent())
      .toContain(`${before} findings suppressed`);
    await expect.poll(async () => (await shownIds()).length).toBe(0);
    expect(sum(await aggregate(world.base, world.keys.root, 'SEVERITY', filter)).all).toBe(0);
    const suppressed = { ...filter, findingStatus: [eq('SUPPRESSED')] };
    expect((await listAllFindings(world.base, world.keys.root, suppressed)).length).toBe(before);
  });

  it('exports CSV: the downloaded file equals the report content the API serves', async () => {
    const { page } = browser;
    await page.goto(
      `${world.base}/findings?filter=${encodeURIComponent(JSON.stringify({ accountId: [eq(ACCOUNT_A)] }))}`,
    );
    await page.getByRole('button', { name: 'Export CSV' }).click();
    await expect
      .poll(() => page.getByTestId('report-state').textContent(), { timeout: 60_000 })
      .toBe('SUCCEEDED');
    const link = page.getByTestId('report-download');
    const reportId =
      /\/v1\/reports\/([^/]+)\/content/.exec((await link.getAttribute('href')) ?? '')?.[1] ?? '';
    const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const text = readFileSync((await file.path()) ?? '', 'utf8');
    const api = await download(world.base, world.keys.root, `/v1/reports/${reportId}/content`);
    expect(api.status).toBe(200);
    expect(text).toBe(api.text);
    expect(text.split('\n').length).toBeGreaterThan(2);
  });

  it('creates an enrollment token: shown once, listed as the API has it, and revoked from the page', async () => {
    const { page } = browser;
    type Token = {
      id: string;
      name: string | null;
      prefix: string;
      maxUses: number | null;
      revokedAt: string | null;
    };
    const tokensPath = `/v1/accounts/${ACCOUNT_A}/enrollment-tokens`;
    const listed = async (): Promise<Token[]> =>
      (await expectStatus<{ tokens: Token[] }>(200, world.base, world.keys.root, 'GET', tokensPath)).tokens;
    await page.goto(`${world.base}/accounts?account=${ACCOUNT_A}`);
    const form = page.locator('form', { has: page.getByRole('button', { name: 'Create enrollment token' }) });
    await form.getByLabel('Name').fill('lab hosts');
    await form.getByLabel('Expires in').selectOption('7d');
    await form.getByLabel('Max uses').fill('3');
    await form.getByRole('button', { name: 'Create enrollment token' }).click();
    const shown = (await page.getByTestId('created-enrollment-token').textContent()) ?? '';
    const created = (await listed()).filter((t) => t.name === 'lab hosts');
    expect(created).toHaveLength(1);
    const token = created[0]!;
    expect(token).toMatchObject({ maxUses: 3, revokedAt: null });
    // The whole token is on the page once; the API keeps only its prefix (and a hash).
    expect(shown.startsWith(token.prefix)).toBe(true);
    expect(shown.length).toBeGreaterThan(token.prefix.length + 16);
    page.once('dialog', (d) => void d.accept());
    await page.locator(`tr[data-token-id="${token.id}"]`).getByRole('button', { name: 'Revoke' }).click();
    await expect
      .poll(async () => (await listed()).find((t) => t.id === token.id)?.revokedAt ?? null)
      .not.toBeNull();
    await expect
      .poll(() => page.locator(`tr[data-token-id="${token.id}"]`).textContent())
      .toContain('revoked');
  });

  it('shows a host finding scored in its network context: base, adjustment and vector as the API has them', async () => {
    const { page } = browser;
    const inventory = await debianRootfs({ suite: 'bookworm' }).then(inventoryOfRootfs);
    const { host, checkin } = await enrollHost('quiet-host', 'c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0');
    await checkin({ inventory });
    // Network facts with no listening socket: nothing reaches the host from the internet.
    await checkin({ networkFacts: labFacts() });
    const api = await listAllFindings(world.base, world.keys.root, {
      resourceId: [eq(host.resourceId)],
      findingStatus: [eq('ACTIVE')],
    });
    const adjusted = api.find((f) => f.scoreDetails?.adjustments.length);
    if (!adjusted?.scoreDetails) throw new Error('no finding of the quiet host was adjusted');
    expect(adjusted.score).toBeLessThan(adjusted.scoreDetails.baseScore);
    await page.goto(`${world.base}/findings/${adjusted.id}`);
    await page.getByTestId('score-explanation').waitFor();
    expect(await page.getByTestId('score-adjustments').textContent()).toBe(
      adjusted.scoreDetails.adjustments.map((a) => `${a.metric}: ${a.reason}`).join(''),
    );
    expect(await page.getByTestId('score-context').textContent()).toContain(
      adjusted.scoreDetails.contextDetail ?? '?',
    );
    expect(await page.getByTestId('score-adjusted-vector').textContent()).toBe(
      adjusted.scoreDetails.adjustedVector,
    );
    expect(await page.getByTestId('score-value').textContent()).toContain((adjusted.score ?? NaN).toFixed(1));
  });

  it('filters network findings by port range and protocol through the form: rows equal GET /v1/findings, kept in the URL', async () => {
    const { page } = browser;
    const { host, checkin } = await enrollHost('edge-host', 'e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0');
    // Listeners on 0.0.0.0 with no firewall: one NETWORK_REACHABILITY finding per port and protocol.
    await checkin({ networkFacts: labFacts({}, [22, 443, 8080], [53]) });
    const filter = {
      portRange: [{ beginInclusive: 20, endInclusive: 443 }],
      networkProtocol: [eq('TCP')],
    };
    const api = await listAllFindings(world.base, world.keys.root, filter);
    // Port 8080 is outside the range and UDP 53 inside it: each filter drops one finding.
    expect(api.map((f) => f.resources[0]?.id === host.resourceId && f.title).sort()).toEqual([
      'Port 22 is reachable from the internet through the host firewall - TCP',
      'Port 443 is reachable from the internet through the host firewall - TCP',
    ]);
    await page.goto(`${world.base}/findings`);
    await page.getByLabel('Field').selectOption('portRange');
    await page.getByLabel('From', { exact: true }).fill('20');
    await page.getByLabel('To', { exact: true }).fill('443');
    await page.getByRole('button', { name: 'Add filter' }).click();
    await page.getByLabel('Field').selectOption('networkProtocol');
    await page.getByLabel('Value').selectOption('TCP');
    await page.getByRole('button', { name: 'Add filter' }).click();
    const chips = ['Protocol TCP×', 'Port 20–443×'];
    await expect.poll(() => page.getByTestId('filter-chip').allTextContents()).toEqual(chips);
    const url = decodeURIComponent(page.url());
    expect(url).toContain(`"portRange":[{"beginInclusive":20,"endInclusive":443}]`);
    expect(url).toContain(`"networkProtocol":[{"comparison":"EQUALS","value":"TCP"}]`);
    await expect.poll(shownIds).toEqual(ids(api));
    // A reload reads the filter back from the address: same chips, same rows.
    await page.reload();
    await expect.poll(() => page.getByTestId('filter-chip').allTextContents()).toEqual(chips);
    await expect.poll(shownIds).toEqual(ids(api));
  });

  it('signs out: the session ends on the server and its cookie no longer works', async () => {
    const { page } = browser;
    const cookie = await sessionCookie();
    expect(cookie).toBeTruthy();
    const before = await fetch(`${world.base}/v1/findings?maxResults=1`, {
      headers: { cookie: `vigil_session=${cookie}` },
    });
    expect(before.status).toBe(200);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to vigil' }).waitFor();
    const after = await fetch(`${world.base}/v1/findings?maxResults=1`, {
      headers: { cookie: `vigil_session=${cookie}` },
    });
    expect(after.status).toBe(401);
    await page.goto(`${world.base}/findings`);
    await page.getByRole('heading', { name: 'Sign in to vigil' }).waitFor();
  });
});
