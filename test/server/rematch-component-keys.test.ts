import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../../src/core/inventory.js';
import { osvFeed } from '../../src/feeds/osv/osv-feed.js';
import { scanDigest } from '../../src/findings/finding-digest.js';
import { findingJson, findingOfRow } from '../../src/findings/finding-rows.js';
import type { FindingResource } from '../../src/findings/finding-types.js';
import { indexRowsOf } from '../../src/resources/inventory-index.js';
import { rematchTargets } from '../../src/resources/rematch-targets.js';
import { hostInputs, keyedHostInput } from '../../src/scan/rematch-inputs.js';
import { rematchStoredInventories } from '../../src/scan/rematch-run.js';
import { scanTarget } from '../../src/scan/scan-service.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import type { StoreContext } from '../../src/store/store-context.js';
import { openVulnDb, type VulnDb } from '../../src/vulndb/vuln-db.js';
import { cutDataChange, FEED, hostInventory, type DataChange, type HostSpec } from './rematch-data.js';
import { BACKENDS } from './service-db-backends.js';
import { submitInline } from './submit-inline.js';

/**
 * The component keys a stored inventory carries (inventories.component_keys_json, m0028): a full
 * re-match reads them instead of the inventory's index rows. They must be exactly the keys the rows
 * give (so hosts read either way share the memo), and a full re-match over hosts with and without
 * them (indexed before m0028) must leave every host's findings equal to a fresh scan.
 */
const ACCOUNT = 'acct-1';
const T0 = new Date('2026-06-01T00:00:00.000Z');
const T1 = new Date('2026-06-02T00:00:00.000Z');
const HOSTS: HostSpec[] = [
  { id: 'h-1', release: '12', sources: ['openssl', 'curl', 'zlib', 'sudo', 'tar'] },
  { id: 'h-2', release: '12', sources: ['openssl', 'curl', 'zlib', 'sudo', 'tar'] },
  { id: 'h-3', release: '12', sources: ['zlib', 'openssl', 'systemd', 'krb5'] },
  { id: 'h-4', release: '11', sources: ['openssl', 'krb5', 'perl', 'expat'] },
  { id: 'h-5', release: '12', sources: ['libxml2', 'expat', 'sqlite3'], npm: [['lodash', '4.17.20']] },
  { id: 'h-6', release: '12', sources: ['curl', 'openssl', 'gnutls28', 'libssh2'] },
];

/**
 * Two binaries of one source in one component; h-2 lists them in the other order (other keys).
 * Package ids named by the package, not the host (as a collector's are): hosts can share components.
 */
function inventoryOf(h: HostSpec, data: DataChange): Inventory {
  const inv = hostInventory(h, data.versions);
  const bins = inv.packages.map((p) => ({ ...p, id: `${p.name}@${p.version}` }));
  const libs = bins
    .filter((p) => p.ecosystem === 'deb')
    .map((p) => ({ ...p, id: `${p.id}-lib`, name: `lib${p.sourceName ?? p.name}` }));
  inv.packages = h.id === 'h-2' ? [...libs, ...bins] : [...bins, ...libs];
  return inv;
}

let dir: string;
let data: DataChange;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-component-keys-'));
  data = await cutDataChange(dir);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function seed(db: ServiceDb): Promise<void> {
  const created_at = T0.toISOString();
  await db.kysely
    .insertInto('organizations')
    .values({ id: 'o1', name: 'Org', delegated_admin_account_id: ACCOUNT, created_at })
    .execute();
  await db.kysely
    .insertInto('accounts')
    .values({
      id: ACCOUNT,
      name: 'A',
      organization_id: 'o1',
      host_scanning: 1,
      image_scanning: 0,
      network_scanning: 0,
      created_at,
    })
    .execute();
}

/** Per host: its open findings as a scan decides them (identity → scanDigest). */
async function openDecisions(db: ServiceDb, id: string): Promise<Map<string, string>> {
  const rows = await db.kysely
    .selectFrom('findings')
    .select(['identity_key', 'last_observed_at', findingJson()])
    .where('resource_id', '=', id)
    .where('status', '<>', 'CLOSED')
    .execute();
  return new Map(rows.map((r) => [r.identity_key, scanDigest(findingOfRow(r))]));
}

/** The oracle: a fresh scan of the host's inventory against `vulndb`. */
async function scanned(vulndb: VulnDb, id: string, inv: Inventory): Promise<Map<string, string>> {
  const resource: FindingResource = { id, type: 'HOST', details: {} };
  const r = await scanTarget(
    { kind: 'inventory', inventory: inv },
    { store: vulndb.store, accountId: ACCOUNT, now: T1, resource: () => resource },
  );
  return new Map(r.findings.map((f) => [f.id, scanDigest(f)]));
}

describe.each(BACKENDS.map((make) => [make().name, make] as const))('component keys (%s)', (_, make) => {
  const backend = make();
  beforeAll(() => backend.setup(), 120_000);
  afterAll(() => backend.teardown());

  it('equal the keys of the index rows; a full re-match with and without them equals a fresh scan', async () => {
    const vulnFile = join(dir, `vulndb-${backend.name}.sqlite`);
    const vulndb = await openVulnDb(vulnFile);
    const { db } = await backend.fresh();
    let clock = T0;
    const ctx: StoreContext = { db: db.kysely, dialect: db.dialect, now: () => clock };
    try {
      await vulndb.import([await osvFeed(data.beforeFile, FEED)]);
      await seed(db);
      const inventories = new Map(HOSTS.map((h) => [h.id, inventoryOf(h, data)]));
      for (const [id, body] of inventories)
        await submitInline(ctx, vulndb.store, { accountId: ACCOUNT, resourceId: id, body });

      // The stored keys are the rows' keys, component by component.
      const refs = HOSTS.map((h) => ({ accountId: ACCOUNT, resourceId: h.id }));
      const targets = await rematchTargets(db.kysely, refs, { componentKeys: true });
      const byRows = hostInputs(db.kysely, targets, await indexRowsOf(db.kysely, targets), false);
      for (const [i, t] of targets.entries()) {
        expect(t.componentKeysJson, t.resourceId).toEqual(expect.any(String));
        const stored = keyedHostInput(db.kysely, t, t.componentKeysJson ?? '[]').components.map((c) => c.key);
        const fromRows = (byRows[i]?.input.components ?? []).map((c) => c.key);
        expect(stored.length, t.resourceId).toBeGreaterThan(2);
        expect([...stored].sort(), t.resourceId).toEqual([...fromRows].sort());
      }
      const keysOf = (id: string): string[] =>
        (JSON.parse(targets.find((t) => t.resourceId === id)?.componentKeysJson ?? '[]') as string[][]).map(
          (pair) => pair[1] ?? '',
        );
      // The same packages in another order are other components; the same in the same order, the same.
      expect(keysOf('h-2').filter((k) => keysOf('h-1').includes(k))).toEqual([]);
      expect(keysOf('h-6').filter((k) => keysOf('h-1').includes(k))).toHaveLength(2);

      // Each scan recorded the digest of the findings it stored; a full re-match on the same data sums
      // the same digest from its memo's components for every host: none is read, nothing is written.
      expect(await rematchStoredInventories(ctx, vulndb.store, undefined)).toMatchObject({
        rematched: HOSTS.length,
        compared: 0,
        changed: 0,
      });

      // "after" changes findings; half the hosts as indexed before m0028 (no keys: their rows are read).
      await vulndb.import([await osvFeed(writeAfter(backend.name), FEED)]);
      await db.kysely
        .updateTable('inventories')
        .set({ component_keys_json: null })
        .where('resource_id', 'in', ['h-1', 'h-3', 'h-5'])
        .execute();
      clock = T1;
      const run = await rematchStoredInventories(ctx, vulndb.store, undefined);
      expect(run).toMatchObject({ mode: 'full', rematched: HOSTS.length });
      expect(run.changed).toBeGreaterThan(0);
      // A host whose result "after" changes has another digest: it is compared, never skipped.
      expect(run.compared).toBeGreaterThanOrEqual(run.changed);
      for (const [id, inv] of inventories)
        expect(await openDecisions(db, id), id).toEqual(await scanned(vulndb, id, inv));
      // No component is built twice (h-6, read by its keys, shares curl's and openssl's with h-1, read
      // by its rows): as many built as distinct keys among all hosts.
      const distinct = new Set(byRows.flatMap((h) => h.input.components.map((c) => c.key)));
      expect(run.componentsBuilt).toBe(distinct.size);
      expect(await rematchStoredInventories(ctx, vulndb.store, undefined)).toMatchObject({
        compared: 0,
        changed: 0,
      });
    } finally {
      await vulndb.close();
      await db.close();
    }
  }, 180_000);
});

function writeAfter(name: string): string {
  const file = join(dir, `after-${name}.jsonl`);
  writeFileSync(file, data.afterLines.join('\n') + '\n');
  return file;
}
