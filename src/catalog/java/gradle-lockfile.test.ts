import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryResolver } from '../../source/directory/directory-resolver.js';
import { runCatalogers } from '../catalog-runner.js';
import { gradleLockfileCataloger } from './gradle-lockfile-cataloger.js';
import { parseGradleLockfile } from './gradle-lockfile-parser.js';

describe('Gradle dependency lockfiles (fixtures of the documented formats)', () => {
  it('gradle.lockfile, buildscript-gradle.lockfile and the Gradle 4.8–5 per-configuration files', async () => {
    const r = await runCatalogers(new DirectoryResolver(join(import.meta.dirname, 'testdata/gradle')), [
      gradleLockfileCataloger,
    ]);
    expect(r.unknowns).toEqual([]);
    expect(r.packages.map((p) => [p.filePath.split('/').pop(), p.purl, p.metadata?.['dev'] ?? '-'])).toEqual([
      ['buildscript-gradle.lockfile', 'pkg:maven/com.github.ben-manes/gradle-versions-plugin@0.51.0', 'true'],
      [
        'buildscript-gradle.lockfile',
        'pkg:maven/org.springframework.boot/spring-boot-gradle-plugin@3.2.4',
        'true',
      ],
      ['gradle.lockfile', 'pkg:maven/com.fasterxml.jackson.core/jackson-annotations@2.12.3', '-'],
      ['gradle.lockfile', 'pkg:maven/com.fasterxml.jackson.core/jackson-core@2.12.3', '-'],
      ['gradle.lockfile', 'pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.12.3', '-'],
      ['gradle.lockfile', 'pkg:maven/junit/junit@4.13.2', 'true'],
      ['gradle.lockfile', 'pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1', '-'],
      ['gradle.lockfile', 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', '-'],
      ['gradle.lockfile', 'pkg:maven/org.hamcrest/hamcrest-core@1.3', 'true'],
      ['gradle.lockfile', 'pkg:maven/org.projectlombok/lombok@1.18.30', '-'],
      ['compileClasspath.lockfile', 'pkg:maven/org.springframework/spring-beans@5.0.5.RELEASE', '-'],
      ['compileClasspath.lockfile', 'pkg:maven/org.springframework/spring-core@5.0.5.RELEASE', '-'],
    ]);
  });

  it('a line that is not group:artifact:version is a problem, not a package', () => {
    const r = parseGradleLockfile('a:b=compileClasspath\nx:y:1.0=runtimeClasspath\n', '/p/gradle.lockfile');
    expect(r.packages.map((p) => p.name)).toEqual(['x:y']);
    expect(r.problems).toEqual(['line 1: not group:artifact:version: a:b=compileClasspath']);
  });
});
