import { DEBIAN_SUITES, debianRootfs } from './fixtures/debian-rootfs.js';

/**
 * Builds the shared, cached fixtures once before any worker starts, so test files never race to build
 * them and per-test timeouts never include a debootstrap.
 */
export default async function setup(): Promise<void> {
  if (process.env['VIGIL_SKIP_FIXTURES'] === '1') return;
  await Promise.all(DEBIAN_SUITES.map((suite) => debianRootfs({ suite })));
}
