import { posix } from 'node:path';
import type { PackageDraft } from '../../core/package.js';

export interface GradleLockResult {
  packages: PackageDraft[];
  problems: string[];
}

/** Configurations that only build or test the project: what they alone hold is not shipped. */
const DEV_CONFIGURATION =
  /^(test|androidTest|testFixtures|integrationTest|functionalTest)|^classpath$|(^|[a-z])(Test|Lint|Detekt|Ktlint)/;

/**
 * Gradle dependency locking. `gradle.lockfile` / `buildscript-gradle.lockfile` (Gradle ≥ 6.0):
 * `group:artifact:version=conf1,conf2` per line, `empty=…` for configurations without dependencies,
 * `#` comments. The per-configuration form of Gradle 4.8–5.x (`gradle/dependency-locks/<conf>.lockfile`)
 * has bare `group:artifact:version` lines; its configuration is the file name. A package only test
 * configurations or the build script's `classpath` need is dev.
 */
export function parseGradleLockfile(text: string, path: string): GradleLockResult {
  const base = posix.basename(path);
  const legacyConf =
    base.endsWith('.lockfile') && !base.endsWith('gradle.lockfile') ? base.slice(0, -9) : undefined;
  const buildscript = base === 'buildscript-gradle.lockfile';
  const packages: PackageDraft[] = [];
  const problems: string[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const coords = eq < 0 ? line : line.slice(0, eq);
    if (coords === 'empty') continue;
    const confs =
      eq < 0
        ? legacyConf
          ? [legacyConf]
          : []
        : line
            .slice(eq + 1)
            .split(',')
            .map((c) => c.trim())
            .filter(Boolean);
    const parts = coords.split(':');
    if (parts.length !== 3 || parts.some((p) => p === '' || /\s/.test(p))) {
      problems.push(`line ${i + 1}: not group:artifact:version: ${line.slice(0, 120)}`);
      continue;
    }
    const [group, artifact, version] = parts as [string, string, string];
    const metadata: Record<string, string> = { configurations: confs.join(',') };
    if (buildscript) metadata['buildscript'] = 'true';
    if (buildscript || (confs.length > 0 && confs.every((c) => DEV_CONFIGURATION.test(c))))
      metadata['dev'] = 'true';
    packages.push({ name: `${group}:${artifact}`, version, ecosystem: 'maven', scope: 'declared', metadata });
  }
  return { packages, problems };
}
