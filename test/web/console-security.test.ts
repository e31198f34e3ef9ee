import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus } from '../server/e2e/api-helpers.js';
import { eq, listAllFindings } from './fixtures/api-client.js';
import { openBrowser, signIn, type OpenBrowser } from './fixtures/browser.js';
import {
  ACCOUNT_A,
  ACCOUNT_B,
  HOST_B,
  HOST_XSS,
  seedConsole,
  XSS,
  type SeededConsole,
} from './fixtures/console-seed.js';

/**
 * What the console must refuse or neutralize, in Debian's Chromium against the real server: another
 * account typed into the address bar, expired and tampered sessions, mutations without the CSRF
 * token, hostile strings in tags, rule names and package names, inline script under the CSP.
 */
let world: SeededConsole;
const open: OpenBrowser[] = [];

beforeAll(async () => {
  world = await seedConsole();
  await expectStatus(
    201,
    world.base,
    world.keys.adminA,
    'POST',
    `/v1/accounts/${ACCOUNT_A}/suppression-rules`,
    {
      name: XSS.rule,
      reason: XSS.rule,
      filter: { packageName: [eq('no-such-package')] },
    },
  );
});

afterAll(async () => {
  for (const b of open) await b.close();
  await world?.stop();
});

async function browserAs(key: string): Promise<OpenBrowser> {
  const b = await openBrowser();
  open.push(b);
  await signIn(b.page, world.base, key);
  return b;
}

const cookieOf = async (b: OpenBrowser): Promise<string> =>
  (await b.context.cookies(world.base)).find((c) => c.name === 'vigil_session')?.value ?? '';
const withCookie = (cookie: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { cookie: `vigil_session=${cookie}`, ...(init.headers as Record<string, string> | undefined) },
});
const noXss = (b: OpenBrowser): Promise<unknown> => b.page.evaluate<unknown>('window.__xss');

describe('console security (issue 14, bad input)', () => {
  it("a member key cannot see the other account's data, even by typing its URLs", async () => {
    const b = await browserAs(world.keys.memberA);
    const other = (await listAllFindings(world.base, world.keys.memberB))[0];
    if (!other) throw new Error('account B has no finding');
    const nav = b.page.getByRole('navigation', { name: 'Primary' });
    await expect.poll(() => nav.getByRole('link').allTextContents()).not.toContain('Audit log');
    expect(await nav.getByRole('link').allTextContents()).not.toContain('Webhooks');
    for (const path of [
      `/findings/${other.id}`,
      `/accounts/${ACCOUNT_B}/resources/${HOST_B}`,
      `/resources?account=${ACCOUNT_B}`,
      `/suppression-rules?account=${ACCOUNT_B}`,
    ]) {
      await b.page.goto(`${world.base}${path}`);
      const alert = b.page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent(), path).toMatch(/not found/i);
    }
    await b.page.goto(
      `${world.base}/findings?filter=${encodeURIComponent(JSON.stringify({ accountId: [eq(ACCOUNT_B)] }))}`,
    );
    await b.page.getByText('No finding matches these filters.').waitFor();
    // An admin page typed in: the server refuses it, and the console shows the server's message.
    await b.page.goto(`${world.base}/audit-log`);
    expect(await b.page.getByRole('alert').textContent()).toContain('the audit log is for admin keys');
  });

  it('a read-only key signs in, is offered no change, and can still sign out', async () => {
    const b = await browserAs(world.keys.readOnlyA);
    await b.page.goto(`${world.base}/findings`);
    await b.page.getByRole('heading', { name: 'Findings', level: 1 }).waitFor();
    expect(await b.page.getByRole('button', { name: 'Export CSV' }).count()).toBe(0);
    expect(await b.page.getByRole('button', { name: /Create suppression rule/ }).count()).toBe(0);
    const cookie = await cookieOf(b);
    await b.page.getByRole('button', { name: 'Sign out' }).click();
    await b.page.getByRole('heading', { name: 'Sign in to vigil' }).waitFor();
    expect((await fetch(`${world.base}/v1/accounts`, withCookie(cookie))).status).toBe(401);
  });

  it('an expired session is refused, and the console goes back to sign-in', async () => {
    const b = await browserAs(world.keys.adminA);
    const cookie = await cookieOf(b);
    expect((await fetch(`${world.base}/v1/accounts`, withCookie(cookie))).status).toBe(200);
    const db = new Database(world.database.replace(/^sqlite:/, ''));
    try {
      db.prepare('UPDATE console_sessions SET expires_at = ?').run('2000-01-01T00:00:00.000Z');
    } finally {
      db.close();
    }
    const res = await fetch(`${world.base}/v1/accounts`, withCookie(cookie));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe('SESSION_EXPIRED');
    await b.page.goto(`${world.base}/resources`);
    await b.page.getByRole('heading', { name: 'Sign in to vigil' }).waitFor();
  });

  it('a tampered session cookie is refused', async () => {
    const b = await browserAs(world.keys.adminA);
    const cookie = await cookieOf(b);
    const flipped = cookie.slice(0, -1) + (cookie.endsWith('A') ? 'B' : 'A');
    const res = await fetch(`${world.base}/v1/accounts`, withCookie(flipped));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe('UNAUTHENTICATED');
    await b.context.addCookies([{ name: 'vigil_session', value: flipped, url: world.base }]);
    await b.page.goto(`${world.base}/findings`);
    await b.page.getByRole('heading', { name: 'Sign in to vigil' }).waitFor();
  });

  it('a cookie-authenticated POST without the CSRF token is 403; with it, it goes through', async () => {
    const b = await browserAs(world.keys.adminA);
    const cookie = await cookieOf(b);
    const body = JSON.stringify({ format: 'CSV', filter: {} });
    const json = { 'content-type': 'application/json' };
    const missing = await fetch(
      `${world.base}/v1/reports`,
      withCookie(cookie, { method: 'POST', body, headers: json }),
    );
    expect(missing.status).toBe(403);
    expect(((await missing.json()) as { code: string }).code).toBe('CSRF_TOKEN_INVALID');
    const wrong = await fetch(
      `${world.base}/v1/reports`,
      withCookie(cookie, { method: 'POST', body, headers: { ...json, 'x-csrf-token': 'forged' } }),
    );
    expect(wrong.status).toBe(403);
    const session = (await (await fetch(`${world.base}/v1/sessions/current`, withCookie(cookie))).json()) as {
      csrfToken: string;
    };
    const ok = await fetch(
      `${world.base}/v1/reports`,
      withCookie(cookie, { method: 'POST', body, headers: { ...json, 'x-csrf-token': session.csrfToken } }),
    );
    expect(ok.status).toBe(202);
    // Bearer keys need no CSRF token: no browser sends them on its own.
    await expectStatus(202, world.base, world.keys.adminA, 'POST', '/v1/reports', {
      format: 'CSV',
      filter: {},
    });
  });

  it('hostile strings in a resource tag, a rule name and a package name show as text', async () => {
    const b = await browserAs(world.keys.adminA);
    await b.page.goto(`${world.base}/resources`);
    const table = b.page.getByTestId('resources-table');
    await table.getByText(`${XSS.tag}=${XSS.tag}`).waitFor();
    expect(await table.locator('img').count()).toBe(0);
    await b.page.goto(`${world.base}/accounts/${ACCOUNT_A}/resources/${HOST_XSS}`);
    await b.page.getByTestId('resource-tags').getByText(`${XSS.tag}=${XSS.tag}`).waitFor();
    await b.page.goto(`${world.base}/suppression-rules`);
    await b.page.getByTestId('rules-table').getByText(XSS.rule).first().waitFor();
    expect(await b.page.getByTestId('rules-table').locator('script').count()).toBe(0);
    const filter = { packageName: [eq(XSS.pkg)] };
    const hostile = await listAllFindings(world.base, world.keys.adminA, filter);
    expect(hostile.length).toBeGreaterThan(0);
    await b.page.goto(`${world.base}/findings?filter=${encodeURIComponent(JSON.stringify(filter))}`);
    await b.page.locator('.pkg-name', { hasText: XSS.pkg }).first().waitFor();
    await b.page.goto(`${world.base}/findings/${hostile[0]?.id ?? ''}`);
    await b.page.getByTestId('vulnerable-packages').getByText(XSS.pkg).waitFor();
    expect(await b.page.locator('main svg[onload]').count()).toBe(0);
    expect(await noXss(b)).toBeUndefined();
    expect(b.problems).toEqual([]);
  });

  it('serves a CSP without unsafe-inline scripts, which the browser enforces; caching and SPA fallback', async () => {
    const index = await fetch(`${world.base}/`);
    const csp = index.headers.get('content-security-policy') ?? '';
    const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
    expect(scriptSrc).toContain("'self'");
    expect(scriptSrc).not.toContain('unsafe-inline');
    expect(csp).toContain("object-src 'none'");
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1] ?? '';
    const js = await fetch(`${world.base}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const deep = await fetch(`${world.base}/findings/some-id`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toBe(html);
    const api = await fetch(`${world.base}/v1/no-such-route`);
    expect(api.headers.get('content-type')).toContain('application/json');
    expect(api.status).toBeGreaterThanOrEqual(400);

    const b = await browserAs(world.keys.adminA);
    // The page's own context tries an inline script, as injected markup would: the CSP must stop it.
    const blocked = await b.page.evaluate<{ directive: string; ran: unknown }>(`(async () => {
      const violated = new Promise((resolve) =>
        document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true }));
      const s = document.createElement('script');
      s.textContent = 'window.__inline = 1';
      document.body.append(s);
      return { directive: await violated, ran: window.__inline ?? null };
    })()`);
    expect(blocked.ran).toBeNull();
    expect(blocked.directive).toMatch(/^script-src/);
  });
});
