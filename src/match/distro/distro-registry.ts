import type { OsInfo } from '../../core/os-info.js';
import { alpineDistro } from './alpine-distro.js';
import { debianDistro, ubuntuDistro } from './debian-distro.js';
import type { DistroDriver } from './distro-driver.js';
import { rpmDistro } from './rpm-distro.js';

/** Every distribution vigil matches, listed explicitly; the first that claims an OS drives it. */
export const DISTRO_DRIVERS: readonly DistroDriver[] = [ubuntuDistro, debianDistro, alpineDistro, rpmDistro];

export function distroFor(os: OsInfo | undefined): DistroDriver | undefined {
  return os ? DISTRO_DRIVERS.find((d) => d.claims(os)) : undefined;
}
