import { DEBIAN_SUITES, debianRootfs } from './fixtures/debian-rootfs.js';
import { requireSharedData, SHARED_DATA } from './fixtures/shared-data.js';

/**
 * Builds the shared, cached fixtures once before any worker starts, so test files never race to build
 * them and per-test timeouts never include a debootstrap. The suite reads ../shared/data throughout:
 * without it the run stops here, in one line, instead of in a hundred ENOENT stacks.
 */
export default async function setup(): Promise<void> {
  requireSharedData(SHARED_DATA);
  if (process.env['VIGIL_SKIP_FIXTURES'] === '1') return;
  await Promise.all(DEBIAN_SUITES.map((suite) => debianRootfs({ suite })));
}
