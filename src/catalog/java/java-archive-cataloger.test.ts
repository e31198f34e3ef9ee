import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { javaFixture, type JavaFixture } from '../../../test/binary-inventory/java-fixture.js';
import { hostFile } from '../../../test/binary-inventory/host-file.js';
import { requireTool } from '../../../test/fixtures/required-tool.js';
import { DirectoryResolver } from '../../source/directory/directory-resolver.js';
import { runCatalogers } from '../catalog-runner.js';
import { javaArchiveCataloger } from './java-archive-cataloger.js';
import { DEFAULT_JAVA_LIMITS, scanJavaArchive } from './java-archive-parser.js';

let fx: JavaFixture;
beforeAll(async () => {
  fx = await javaFixture();
});

async function scan(path: string, limits = DEFAULT_JAVA_LIMITS, display = '/app/x.war') {
  const reader = await (await hostFile(path)).open();
  try {
    const result = await scanJavaArchive(reader, display, limits);
    if (!result) throw new Error('not a zip');
    return result;
  } finally {
    await reader.close();
  }
}

/** What `unzip -p` (Info-ZIP, not our reader) says the war's pom.properties files contain. */
function unzipPom(archive: string, entry: string): string {
  return execFileSync('unzip', ['-p', archive, entry], { encoding: 'utf8' });
}

describe('java-archive cataloger on archives made by the JDK jar tool', () => {
  it('a war: own pom, Maven jars, a manifest-only jar, a jar inside a jar; the bomb stopped', async () => {
    const r = await scan(fx.war, { ...DEFAULT_JAVA_LIMITS, maxNestedBytes: 1024 * 1024 });
    expect(r.packages.map((p) => [p.name, p.version, p.filePath ?? '(top)', p.metadata?.['source']])).toEqual(
      [
        ['com.example:shop', '2.0.0', '(top)', 'pom.properties'],
        [
          'org.apache.commons:commons-lang3',
          '3.12.0',
          '/app/x.war!/WEB-INF/lib/commons-lang3-3.12.0.jar',
          'pom.properties',
        ],
        [
          'com.google.guava:guava',
          '31.1-jre',
          '/app/x.war!/WEB-INF/lib/guava-31.1-jre.jar',
          'pom.properties',
        ],
        [
          'com.example.legacy:legacy-util',
          '1.4.2',
          '/app/x.war!/WEB-INF/lib/legacy-util-1.4.jar',
          'MANIFEST.MF',
        ],
        ['com.example:outer-core', '0.9', '/app/x.war!/WEB-INF/lib/outer-core-0.9.jar', 'pom.properties'],
        [
          'com.example:deep',
          '1.0',
          '/app/x.war!/WEB-INF/lib/outer-core-0.9.jar!/lib/deep-1.0.jar',
          'pom.properties',
        ],
      ],
    );
    expect(r.unknowns).toEqual([
      {
        path: '/app/x.war!/WEB-INF/lib/bomb.jar',
        reason: 'limit-exceeded',
        detail: expect.stringContaining('1048576') as string,
      },
    ]);
    expect(unzipPom(fx.war, 'META-INF/maven/com.example/shop/pom.properties')).toContain('version=2.0.0');
  });

  it('depth limit: the jar two levels down becomes an unknown, the rest is still found', async () => {
    const r = await scan(fx.war, { ...DEFAULT_JAVA_LIMITS, maxDepth: 1, maxNestedBytes: 1024 * 1024 });
    expect(r.packages.map((p) => p.name)).not.toContain('com.example:deep');
    expect(r.packages).toHaveLength(5);
    expect(r.unknowns.map((u) => [u.path, u.reason])).toContainEqual([
      '/app/x.war!/WEB-INF/lib/outer-core-0.9.jar!/lib/deep-1.0.jar',
      'limit-exceeded',
    ]);
  });

  it('a Spring Boot style jar with stored nested jars, through the runner and a DirectoryResolver', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vigil-java-'));
    copyFileSync(fx.bootJar, join(root, 'boot.jar'));
    copyFileSync(fx.war, join(root, 'shop.war'));
    writeFileSync(join(root, 'garbage.jar'), 'not a zip at all\n');
    const r = await runCatalogers(new DirectoryResolver(root), [javaArchiveCataloger]);
    const got = r.packages.map((p) => `${p.purl} ${p.filePath}`).sort();
    expect(got).toContain('pkg:maven/com.example/boot-app@1.1.0 /boot.jar');
    expect(got).toContain(
      'pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.13.4.2 /boot.jar!/BOOT-INF/lib/jackson-databind-2.13.4.2.jar',
    );
    expect(got).toContain(
      'pkg:maven/com.example/deep@1.0 /shop.war!/WEB-INF/lib/outer-core-0.9.jar!/lib/deep-1.0.jar',
    );
    expect(r.packages).toHaveLength(8);
    expect(r.packages.every((p) => p.foundBy === 'java-archive' && p.ecosystem === 'maven')).toBe(true);
    // Under the default limits the 8 MiB zero-filled "jar" is inflated and found not to be a zip.
    expect(r.unknowns.map((u) => [u.path, u.reason]).sort()).toEqual([
      ['/garbage.jar', 'parse-error'],
      ['/shop.war!/WEB-INF/lib/bomb.jar', 'parse-error'],
    ]);
  });

  it('a lying header: pom.properties declared as 100 bytes that inflates to 4 MiB is stopped by the inflater', async () => {
    const zip = Buffer.from(
      zipSync({
        'META-INF/maven/x/y/pom.properties': Buffer.alloc(4 * 1024 * 1024, 0x41),
        'META-INF/maven/a/b/pom.properties': Buffer.from('groupId=a\nartifactId=b\nversion=1\n'),
      }),
    );
    // Patch the declared uncompressed size of the first entry in both the local and central headers.
    zip.writeUInt32LE(100, 22);
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(100, central + 24);
    const dir = mkdtempSync(join(tmpdir(), 'vigil-bomb-'));
    writeFileSync(join(dir, 'bomb.jar'), zip);
    const r = await scan(join(dir, 'bomb.jar'));
    expect(r.packages.map((p) => p.name)).toEqual(['a:b']);
    expect(r.unknowns.map((u) => [u.path, u.reason])).toEqual([
      ['/app/x.war!/META-INF/maven/x/y/pom.properties', 'limit-exceeded'],
    ]);
  });
});

/** Every jar Debian's Java packages installed here (maven, libguava-java, …): real upstream builds. */
function debianJars(): string[] {
  try {
    return execFileSync('find', ['/usr/share/java', '-maxdepth', '1', '-type', 'f', '-name', '*.jar'], {
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean)
      .sort();
  } catch {
    return [];
  }
}

/** The oracle: Info-ZIP lists the pom.properties entries and prints them; a regex reads the three keys. */
function unzipCoordinates(archive: string): string[] {
  const names = execFileSync('unzip', ['-Z1', archive], { encoding: 'utf8', maxBuffer: 64 << 20 })
    .split('\n')
    .filter((n) => /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(n));
  return names
    .map((n) => {
      const text = unzipPom(archive, n);
      const key = (k: string): string => new RegExp(`^${k}\\s*[=:]\\s*(.*?)\\s*$`, 'm').exec(text)?.[1] ?? '';
      return `${key('groupId')}:${key('artifactId')}@${key('version')}`;
    })
    .sort();
}

/** The version fields of the manifest's main section, by the precedence vigil documents, else the file name's. */
function manifestVersion(archive: string): string | undefined {
  let text = '';
  try {
    text = execFileSync('unzip', ['-p', archive, 'META-INF/MANIFEST.MF'], { encoding: 'utf8' });
  } catch {
    // no manifest
  }
  const main = text.replace(/\r/g, '').split(/\n\n/)[0]?.replace(/\n /g, '') ?? '';
  const field = (k: string): string | undefined => new RegExp(`^${k}:\\s*(.*?)\\s*$`, 'm').exec(main)?.[1];
  return (
    field('Implementation-Version') ??
    field('Bundle-Version') ??
    field('Specification-Version') ??
    /-(\d[\w.+-]*)\.jar$/.exec(archive)?.[1]
  );
}

describe('java-archive on the jars Debian packages installed', () => {
  const jars = debianJars();
  it(`pom.properties coordinates equal unzip's for every jar (${jars.length})`, async () => {
    requireTool('unzip');
    expect(
      jars.length,
      '/usr/share/java: libguava-java, libcommons-lang3-java… (install-test-deps)',
    ).toBeGreaterThan(0);
    let withPom = 0;
    let manifestOnly = 0;
    for (const jarPath of jars) {
      const oracle = unzipCoordinates(jarPath);
      const r = await scan(jarPath, DEFAULT_JAVA_LIMITS, jarPath);
      const ours = r.packages
        .filter((p) => p.metadata?.['source'] === 'pom.properties')
        .map((p) => `${p.name}@${p.version}`)
        .sort();
      expect({ jarPath, ours }).toEqual({ jarPath, ours: oracle });
      if (oracle.length > 0) {
        withPom++;
        continue;
      }
      const version = manifestVersion(jarPath);
      expect({ jarPath, versions: r.packages.map((p) => p.version) }).toEqual({
        jarPath,
        versions: version ? [version] : [],
      });
      if (version) manifestOnly++;
    }
    expect(withPom).toBeGreaterThan(0);
    expect(manifestOnly).toBeGreaterThan(0);
  });
});
