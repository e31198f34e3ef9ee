import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../..');

/**
 * Every domain or application module that queries the service DB, and the test files that run it on
 * both SQLite and PostgreSQL (BACKENDS): directly, or through the routes and jobs that call it.
 * A new repository module fails the first test below until it is listed here with such a suite.
 */
const SUITES: Readonly<Record<string, readonly string[]>> = {
  'src/accounts/applied-objects.ts': ['test/apply/applied-objects.test.ts'],
  'src/accounts/account-views.ts': ['test/server/accounts-scanning.test.ts'],
  'src/accounts/api-keys.ts': ['test/server/keys-lifecycle.test.ts', 'test/server/audit-log.test.ts'],
  'src/accounts/aws-access-keys.ts': ['test/server/inspector2-stores.test.ts'],
  'src/accounts/audit/audit-entry.ts': ['test/server/audit-log.test.ts', 'test/server/job-stores.test.ts'],
  'src/accounts/audit/audit-query.ts': ['test/server/audit-log.test.ts', 'test/server/job-stores.test.ts'],
  'src/accounts/console-sessions.ts': ['test/server/console-stores.test.ts'],
  'src/accounts/image-rescan-settings.ts': ['test/server/inspector2-stores.test.ts'],
  'src/accounts/organization-service.ts': ['test/server/accounts-organizations.test.ts'],
  'src/accounts/server-admin.ts': ['test/server/vulndb-upload.test.ts'],
  'src/accounts/scanning-settings.ts': ['test/server/accounts-scanning.test.ts'],
  'src/events/event-outbox.ts': [
    'test/server/history-purge.test.ts',
    'test/server/webhooks-dispatch.test.ts',
  ],
  'src/events/webhooks/webhook-delivery.ts': ['test/server/webhooks-dispatch.test.ts'],
  'src/events/webhooks/webhook-dispatch.ts': ['test/server/webhooks-dispatch.test.ts'],
  'src/events/webhooks/webhook-fanout.ts': ['test/server/webhooks-dispatch.test.ts'],
  'src/events/webhooks/webhook-scope.ts': ['test/server/webhooks-dispatch.test.ts'],
  'src/events/webhooks/webhook-store.ts': ['test/server/webhooks-crud.test.ts'],
  'src/findings/filter-annotations.ts': ['test/server/inspector2-stores.test.ts'],
  'src/findings/filter-criteria-sql.ts': ['test/server/filter-criteria-faces.test.ts'],
  'src/findings/finding-aggregation.ts': ['test/server/aggregation-counts.test.ts'],
  'src/findings/finding-daily-counts.ts': ['test/server/console-stores.test.ts'],
  'src/findings/finding-history.ts': ['test/server/finding-history.test.ts'],
  'src/findings/finding-closer.ts': ['test/server/finding-closer.test.ts'],
  'src/findings/finding-digest-store.ts': [
    'test/server/rematch-data-change.test.ts',
    'test/server/rematch-eligibility.test.ts',
  ],
  'src/findings/finding-lifecycle.ts': ['test/server/finding-lifecycle.test.ts'],
  'src/findings/finding-observe.ts': ['test/server/fleet/checkin-delta.test.ts'],
  'src/findings/finding-writes.ts': ['test/server/finding-lifecycle.test.ts'],
  'src/findings/finding-query.ts': [
    'test/server/suppression-tags.test.ts',
    'test/server/aggregation-counts.test.ts',
  ],
  'src/findings/range-plan.ts': ['test/server/range-plan.test.ts'],
  'src/findings/saved-filters.ts': ['test/server/inspector2-stores.test.ts'],
  'src/findings/score-context.ts': ['test/server/network-reachability-service.test.ts'],
  'src/findings/finding-rescore.ts': ['test/server/network-reachability-service.test.ts'],
  'src/resources/queued-upload-store.ts': ['test/server/job-stores.test.ts'],
  'src/resources/network/agentless-instance-store.ts': ['test/server/network-agentless-service.test.ts'],
  'src/resources/network/host-network-store.ts': ['test/server/network-reachability-service.test.ts'],
  'src/resources/network/network-settings-store.ts': ['test/server/network-settings-service.test.ts'],
  'src/findings/finding-rematch.ts': [
    'test/server/rematch-data-change.test.ts',
    'test/server/rematch-eligibility.test.ts',
  ],
  'src/findings/suppression/account-lock.ts': ['test/server/suppression-rules.test.ts'],
  'src/findings/suppression/rule-expiry.ts': ['test/server/suppression-rules.test.ts'],
  'src/findings/suppression/suppression-matcher.ts': ['test/server/suppression-tags.test.ts'],
  'src/findings/suppression/suppression-reevaluator.ts': ['test/server/suppression-rules.test.ts'],
  'src/findings/suppression/suppression-rules.ts': ['test/server/suppression-rules.test.ts'],
  'src/findings/vex/vex-documents.ts': ['test/vex/vex-server.test.ts'],
  'src/findings/vex/vex-load.ts': ['test/vex/vex-server.test.ts'],
  'src/jobs/history-purge.ts': ['test/server/history-purge.test.ts'],
  'src/jobs/retention-task.ts': ['test/server/retention-purge.test.ts'],
  'src/jobs/service-gauges.ts': ['test/server/metrics.test.ts'],
  'src/reports/exports/findings-export.ts': ['test/server/reports-findings.test.ts'],
  'src/reports/exports/report-list.ts': ['test/server/job-stores.test.ts'],
  'src/reports/exports/report-store.ts': [
    'test/server/reports-findings.test.ts',
    'test/server/job-stores.test.ts',
  ],
  'src/reports/exports/sbom-export.ts': ['test/server/reports-sbom.test.ts'],
  'src/resources/inventory-index.ts': [
    'test/server/rematch-data-change.test.ts',
    'test/server/rematch-eligibility.test.ts',
    'test/server/rematch-component-keys.test.ts',
    'test/server/inventory-packages-covering.test.ts',
  ],
  'src/resources/inventory-index-backfill.ts': [
    'test/server/inventories-index-version.test.ts',
    'test/server/rematch-eligibility.test.ts',
  ],
  'src/resources/rematch-targets.ts': [
    'test/server/rematch-data-change.test.ts',
    'test/server/rematch-eligibility.test.ts',
    'test/server/rematch-component-keys.test.ts',
  ],
  'src/resources/resource-packages.ts': ['test/server/console-stores.test.ts'],
  'src/resources/resource-service.ts': ['test/server/resources-routes.test.ts'],
  'src/resources/resource-store.ts': [
    'test/server/resources-routes.test.ts',
    'test/server/inventory-route.test.ts',
  ],
  'src/accounts/enrollment-tokens.ts': ['test/server/fleet/enrollment.test.ts'],
  'src/accounts/host-keys.ts': [
    'test/server/fleet/enrollment.test.ts',
    'test/server/fleet/coverage-transitions.test.ts',
  ],
  'src/resources/coverage/agent-liveness.ts': ['test/server/fleet/coverage-transitions.test.ts'],
  'src/resources/coverage/coverage-guard.ts': ['test/server/fleet/coverage-transitions.test.ts'],
  'src/resources/coverage/coverage-query.ts': ['test/server/fleet/coverage-transitions.test.ts'],
  'src/resources/coverage/coverage-store.ts': ['test/server/fleet/coverage-transitions.test.ts'],
  'src/resources/coverage/coverage-transitions.ts': ['test/server/fleet/coverage-transitions.test.ts'],
  'src/resources/hosts/host-agent-store.ts': [
    'test/server/fleet/enrollment.test.ts',
    'test/server/fleet/coverage-transitions.test.ts',
  ],
  'src/resources/hosts/host-enrollment.ts': [
    'test/server/fleet/enrollment.test.ts',
    'test/server/fleet/coverage-transitions.test.ts',
  ],
  'src/scan/rematch-batch-progress.ts': ['test/server/rematch-batch-progress.test.ts'],
  'src/resources/inventory-delta.ts': ['test/server/fleet/checkin-delta.test.ts'],
  'src/scan/checkin-delta-gate.ts': ['test/server/fleet/checkin-delta.test.ts'],
  'src/scan/scan-apply.ts': [
    'test/server/inventory-route.test.ts',
    'test/server/fleet/coverage-transitions.test.ts',
  ],
  'src/scan/rematch-from-log.ts': [
    'test/server/rematch-data-change.test.ts',
    'test/server/rematch-eligibility.test.ts',
  ],
  'src/scan/vulndb-import-view.ts': ['test/server/vulndb-upload.test.ts'],
  'src/scan/scan-claim.ts': ['test/server/job-stores.test.ts'],
  'src/scan/scan-store.ts': ['test/server/job-stores.test.ts', 'test/server/inventory-route.test.ts'],
  'src/accounts/image-scan-config.ts': ['test/registries/registry-stores.test.ts'],
  'src/resources/registries/base-image-hint.ts': ['test/registries/image-base-layers.test.ts'],
  'src/resources/registries/registry-image-store.ts': ['test/registries/registry-stores.test.ts'],
  'src/resources/registries/registry-store.ts': ['test/registries/registry-stores.test.ts'],
  'src/scan/image-scanning-update.ts': ['test/registries/registry-stores.test.ts'],
  'src/scan/registry-events.ts': ['test/registries/registry-stores.test.ts'],
  'src/scan/registry-poll.ts': ['test/registries/registry-polling.test.ts'],
  'src/scan/watched-image-scan.ts': ['test/registries/registry-stores.test.ts'],
  'src/scan/cis/cis-coverage.ts': ['test/cis/cis-scans.test.ts'],
  'src/scan/cis/cis-facts-intake.ts': ['test/cis/cis-scans.test.ts'],
  'src/scan/cis/cis-scan-document.ts': ['test/cis/cis-scans.test.ts'],
  'src/scan/cis/cis-scan-configs.ts': ['test/cis/cis-scans.test.ts'],
  'src/scan/cis/cis-scan-progress.ts': ['test/cis/cis-scans.test.ts'],
  'src/scan/cis/cis-scan-results.ts': ['test/cis/cis-scans.test.ts'],
  'src/scan/cis/cis-scan-settle.ts': ['test/cis/cis-scans.test.ts'],
  'src/scan/cis/cis-scan-start.ts': ['test/cis/cis-scans.test.ts'],
  'src/scan/cis/cis-target-evaluate.ts': ['test/cis/cis-scans.test.ts'],
  'src/scan/classic/classic-hosts.ts': ['test/classic/classic-assessments.test.ts'],
  'src/scan/classic/classic-run-evaluate.ts': ['test/classic/classic-assessments.test.ts'],
  'src/scan/classic/classic-run-start.ts': ['test/classic/classic-assessments.test.ts'],
  'src/scan/classic/classic-runs.ts': ['test/classic/classic-assessments.test.ts'],
  'src/scan/classic/classic-store.ts': ['test/classic/classic-assessments.test.ts'],
};

/** Folders above the store (domain and application) whose modules may hold repository code. */
const REPOSITORY_FOLDERS = [
  'events',
  'findings',
  'accounts',
  'resources',
  'reports',
  'assessments',
  'scan',
  'jobs',
];
// insertRows: store/row-insert.ts, the query builder's inserts with their statement text compiled once.
const QUERIES = /\.(selectFrom|insertInto|updateTable|deleteFrom)\(|\bsql`|\binsertRows\(/;

function repositoryModules(): string[] {
  return REPOSITORY_FOLDERS.flatMap((folder) => {
    const dir = join(REPO, 'src', folder);
    let files: string[];
    try {
      files = readdirSync(dir, { recursive: true }) as string[];
    } catch {
      return [];
    }
    return files
      .filter((f) => f.endsWith('.ts') && !/\.(test|contract)\.ts$/.test(f) && !f.includes('testing/'))
      .map((f) => join(dir, f))
      .filter((p) => QUERIES.test(readFileSync(p, 'utf8')))
      .map((p) => relative(REPO, p));
  }).sort();
}

describe('service repositories: every module runs on SQLite and PostgreSQL', () => {
  it('each module that queries the service DB is listed with suites that run on both backends', () => {
    expect(repositoryModules()).toEqual(Object.keys(SUITES).sort());
    for (const [module, suites] of Object.entries(SUITES)) {
      expect(suites.length, module).toBeGreaterThan(0);
      for (const suite of suites) {
        const text = readFileSync(join(REPO, suite), 'utf8');
        expect({ module, suite, bothBackends: /\bBACKENDS\b/.test(text) }).toEqual({
          module,
          suite,
          bothBackends: true,
        });
      }
    }
  });
});
