import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DirectoryResolver } from '../../source/directory/directory-resolver.js';
import { runCatalogers } from '../catalog-runner.js';
import { javaArchiveCataloger } from './java-archive-cataloger.js';
import { manifestPackage } from './maven-manifest.js';
import { parseManifest } from './manifest-parser.js';
import { parsePomXml } from './pom-xml-parser.js';

const te = new TextEncoder();
const manifest = (lines: string[]): Uint8Array =>
  te.encode(`Manifest-Version: 1.0\r\n${lines.join('\r\n')}\r\n\r\n`);
const props = (g: string, a: string, v: string): Uint8Array =>
  te.encode(`groupId=${g}\nartifactId=${a}\nversion=${v}\n`);

describe('Maven coordinates of a jar: pom.properties, then pom.xml, then the manifest, then the file name', () => {
  it('pom.xml fills what pom.properties lacks, and inherits the parent groupId and version', () => {
    expect(
      parsePomXml(
        '<project><parent><groupId>org.p</groupId><version>2.0</version></parent><artifactId>child</artifactId></project>',
      ),
    ).toEqual({ groupId: 'org.p', artifactId: 'child', version: '2.0' });
    expect(
      parsePomXml(
        '<project><groupId>g</groupId><artifactId>a</artifactId><version>${revision}</version></project>',
      ),
    ).toEqual({ groupId: 'g', artifactId: 'a' });
    expect(parsePomXml('<project><groupId>')).toEqual({});
  });

  it('manifest fields in order: Group-Id, Implementation-Vendor-Id, symbolic name, sbt file name', () => {
    const m = (lines: string[]): Map<string, string> => parseManifest(lines.join('\n'));
    const name = (lines: string[], file: string): string | undefined =>
      manifestPackage(m(lines), `/opt/${file}`)?.draft.name;
    expect(
      name(['Group-Id: org.jenkins-ci.plugins', 'Short-Name: git', 'Plugin-Version: 5.0'], 'git.hpi'),
    ).toBe('org.jenkins-ci.plugins:git');
    expect(name(['Implementation-Vendor-Id: com.x', 'Implementation-Version: 1'], 'com.x.lib-1.jar')).toBe(
      'com.x:lib',
    );
    expect(
      name(['Bundle-SymbolicName: org.apache.commons.lang3', 'Bundle-Version: 3.1'], 'commons-lang3-3.1.jar'),
    ).toBe('org.apache.commons:commons-lang3');
    const sbt = manifestPackage(m(['Implementation-Version: 2.1']), '/opt/io.circe.circe-core_2.13-2.1.jar');
    expect(sbt?.draft.name).toBe('io.circe:circe-core_2.13');
    expect(sbt?.draft.metadata?.['groupSource']).toBe('file name');
    expect(manifestPackage(m(['Implementation-Version: 1.0']), '/opt/plain-1.0.jar')).toMatchObject({
      draft: { name: 'plain', version: '1.0' },
      noGroup: true,
    });
  });

  it('in a war, a jar without any groupId hides none of the jars after it', async () => {
    const jar = (files: Record<string, Uint8Array>): Uint8Array => zipSync(files);
    const war = zipSync({
      'WEB-INF/lib/a-1.0.jar': jar({ 'META-INF/maven/org.a/a/pom.properties': props('org.a', 'a', '1.0') }),
      'WEB-INF/lib/nogroup-2.0.jar': jar({
        'META-INF/MANIFEST.MF': manifest(['Implementation-Version: 2.0']),
      }),
      'WEB-INF/lib/c-3.0.jar': jar({
        'META-INF/maven/org.c/c/pom.xml': te.encode(
          '<project><groupId>org.c</groupId><artifactId>c</artifactId><version>3.0</version></project>',
        ),
      }),
    });
    const root = mkdtempSync(join(tmpdir(), 'vigil-war-'));
    mkdirSync(join(root, 'srv'));
    writeFileSync(join(root, 'srv/app.war'), war);
    const r = await runCatalogers(new DirectoryResolver(root), [javaArchiveCataloger]);
    expect(r.packages.map((p) => [p.name, p.purl])).toEqual([
      ['org.a:a', 'pkg:maven/org.a/a@1.0'],
      ['nogroup', 'pkg:generic/nogroup@2.0'],
      ['org.c:c', 'pkg:maven/org.c/c@3.0'],
    ]);
    expect(r.unknowns).toEqual([
      expect.objectContaining({
        path: '/srv/app.war!/WEB-INF/lib/nogroup-2.0.jar',
        reason: 'parse-error',
        detail: expect.stringMatching(/no groupId/) as unknown as string,
      }),
    ]);
  });
});
