import { appendAll } from '../../core/append-all.js';
import type { PackageDraft } from '../../core/package.js';
import type { Unknown } from '../../core/unknown.js';
import type { RandomAccessReader } from '../../source/resolver.js';
import { parseManifest } from './manifest-parser.js';
import { manifestPackage, NESTED_ARCHIVE } from './maven-manifest.js';
import { parsePomProperties } from './pom-properties-parser.js';
import { parsePomXml } from './pom-xml-parser.js';
import { ZipEntryTooLargeError } from './zip-entry-too-large-error.js';
import {
  bufferReader,
  readZipDirectory,
  readZipEntry,
  storedEntryReader,
  type ZipEntry,
} from './zip-reader.js';

export interface JavaArchiveLimits {
  /** Archives inside archives: depth 1 is `a.war!/WEB-INF/lib/b.jar`. */
  maxDepth: number;
  /** Largest nested archive inflated into memory (stored ones are read in place). */
  maxNestedBytes: number;
  /** Largest pom.properties or MANIFEST.MF. */
  maxMetadataBytes: number;
  /** All bytes inflated for one top-level archive: many medium nested jars add up. */
  maxTotalBytes: number;
}

export const DEFAULT_JAVA_LIMITS: JavaArchiveLimits = {
  maxDepth: 4,
  maxNestedBytes: 128 * 1024 * 1024,
  maxMetadataBytes: 1024 * 1024,
  maxTotalBytes: 1024 * 1024 * 1024,
};

export interface JavaArchiveResult {
  packages: PackageDraft[];
  unknowns: Omit<Unknown, 'foundBy'>[];
}

const MANIFEST = 'META-INF/MANIFEST.MF';

interface Walk {
  limits: JavaArchiveLimits;
  inflated: number;
  out: JavaArchiveResult;
}

/**
 * Packages in a Java archive and, recursively, in the archives it contains. Every limit that stops
 * the walk (depth, size, a decompression bomb) becomes an unknown rather than an error, so one
 * hostile nested jar does not hide the rest of the war.
 */
export async function scanJavaArchive(
  reader: RandomAccessReader,
  path: string,
  limits: JavaArchiveLimits = DEFAULT_JAVA_LIMITS,
): Promise<JavaArchiveResult | undefined> {
  const entries = await readZipDirectory(reader);
  if (!entries) return undefined;
  const walk: Walk = { limits, inflated: 0, out: { packages: [], unknowns: [] } };
  await scanEntries(walk, reader, entries, path, 0);
  return walk.out;
}

async function scanEntries(
  walk: Walk,
  reader: RandomAccessReader,
  entries: ZipEntry[],
  path: string,
  depth: number,
): Promise<void> {
  appendAll(walk.out.packages, await archivePackages(walk, reader, entries, path, depth));
  for (const entry of entries) {
    if (entry.name.endsWith('/') || !NESTED_ARCHIVE.test(entry.name)) continue;
    const nestedPath = `${path}!/${entry.name}`;
    if (depth + 1 > walk.limits.maxDepth) {
      unknown(walk, nestedPath, 'limit-exceeded', `nested deeper than ${walk.limits.maxDepth} archives`);
      continue;
    }
    try {
      const nested = await nestedReader(walk, reader, entry, nestedPath);
      if (!nested) continue;
      const nestedEntries = await readZipDirectory(nested);
      if (!nestedEntries) unknown(walk, nestedPath, 'parse-error', 'not a zip archive');
      else await scanEntries(walk, nested, nestedEntries, nestedPath, depth + 1);
    } catch (err) {
      // One corrupt nested archive never hides the archives after it.
      unknown(walk, nestedPath, 'parse-error', (err as Error).message);
    }
  }
}

async function nestedReader(
  walk: Walk,
  reader: RandomAccessReader,
  entry: ZipEntry,
  nestedPath: string,
): Promise<RandomAccessReader | undefined> {
  const stored = await storedEntryReader(reader, entry);
  if (stored) return stored;
  const budget = Math.min(walk.limits.maxNestedBytes, walk.limits.maxTotalBytes - walk.inflated);
  const bytes = await inflate(walk, reader, entry, nestedPath, budget);
  if (bytes) walk.inflated += bytes.length;
  return bytes && bufferReader(bytes);
}

const POM_FILE = /^META-INF\/maven\/[^/]+\/[^/]+\/(pom\.properties|pom\.xml)$/;

/**
 * Maven metadata first: each `META-INF/maven/G/A/` directory is one package, its coordinates from
 * pom.properties, the gaps filled from pom.xml (a jar built by Gradle or sbt may carry only the
 * latter). The manifest only when an archive has none.
 */
async function archivePackages(
  walk: Walk,
  reader: RandomAccessReader,
  entries: ZipEntry[],
  path: string,
  depth: number,
): Promise<PackageDraft[]> {
  const nested = depth > 0 ? { filePath: path } : {};
  const out: PackageDraft[] = [];
  for (const dir of pomDirs(entries)) {
    const props = dir.props && (await metadataText(walk, reader, dir.props, path));
    const xml = dir.xml && (await metadataText(walk, reader, dir.xml, path));
    const p = props === undefined ? undefined : parsePomProperties(props);
    const x = xml === undefined ? {} : parsePomXml(xml);
    const g = p?.get('groupId') || x.groupId;
    const a = p?.get('artifactId') || x.artifactId;
    const v = p?.get('version') || x.version;
    if (!g || !a || !v) continue;
    const fromProps = p?.get('groupId') && p.get('artifactId') && p.get('version');
    const entry = (fromProps ? dir.props : dir.xml) ?? dir.props ?? dir.xml;
    const source = fromProps ? 'pom.properties' : 'pom.xml';
    out.push(maven(`${g}:${a}`, v, { source, pomPath: entry?.name ?? '' }, nested));
  }
  if (out.length > 0) return out;
  const manifestEntry = entries.find((e) => e.name === MANIFEST);
  const text = manifestEntry && (await metadataText(walk, reader, manifestEntry, path));
  const found = text === undefined ? undefined : manifestPackage(parseManifest(text), path);
  if (!found) return [];
  if (found.noGroup) {
    const detail = `no groupId in pom.properties, pom.xml, the manifest or the file name: ${found.draft.name} has no Maven namespace`;
    unknown(walk, path, 'parse-error', detail);
  }
  return [{ ...found.draft, ...nested }];
}

function pomDirs(entries: ZipEntry[]): { props?: ZipEntry; xml?: ZipEntry }[] {
  const byDir = new Map<string, { props?: ZipEntry; xml?: ZipEntry }>();
  for (const e of entries) {
    const m = POM_FILE.exec(e.name);
    if (!m) continue;
    const dir = e.name.slice(0, e.name.lastIndexOf('/'));
    const slot = byDir.get(dir) ?? {};
    if (m[1] === 'pom.properties') slot.props = e;
    else slot.xml = e;
    byDir.set(dir, slot);
  }
  return [...byDir.values()];
}

function maven(
  name: string,
  version: string,
  metadata: Record<string, string>,
  extra: { filePath?: string },
): PackageDraft {
  return { name, version, ecosystem: 'maven', scope: 'installed', metadata, ...extra };
}

async function metadataText(
  walk: Walk,
  reader: RandomAccessReader,
  entry: ZipEntry,
  path: string,
): Promise<string | undefined> {
  const bytes = await inflate(walk, reader, entry, `${path}!/${entry.name}`, walk.limits.maxMetadataBytes);
  return bytes?.toString('utf8');
}

async function inflate(
  walk: Walk,
  reader: RandomAccessReader,
  entry: ZipEntry,
  entryPath: string,
  maxBytes: number,
): Promise<Buffer | undefined> {
  try {
    const bytes = await readZipEntry(reader, entry, maxBytes);
    if (!bytes) unknown(walk, entryPath, 'parse-error', 'unreadable zip entry');
    return bytes;
  } catch (err) {
    if (!(err instanceof ZipEntryTooLargeError)) throw err;
    unknown(walk, entryPath, 'limit-exceeded', err.message);
    return undefined;
  }
}

function unknown(walk: Walk, path: string, reason: Unknown['reason'], detail: string): void {
  walk.out.unknowns.push({ path, reason, detail });
}
