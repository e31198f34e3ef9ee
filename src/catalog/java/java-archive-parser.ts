import { posix } from 'node:path';
import type { PackageDraft } from '../../core/package.js';
import type { Unknown } from '../../core/unknown.js';
import type { RandomAccessReader } from '../../source/resolver.js';
import { parseManifest } from './manifest-parser.js';
import { parsePomProperties } from './pom-properties-parser.js';
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

const NESTED_ARCHIVE = /\.(?:jar|war|ear|jpi|hpi)$/i;
const POM_PROPERTIES = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;
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
  walk.out.packages.push(...(await archivePackages(walk, reader, entries, path, depth)));
  for (const entry of entries) {
    if (entry.name.endsWith('/') || !NESTED_ARCHIVE.test(entry.name)) continue;
    const nestedPath = `${path}!/${entry.name}`;
    if (depth + 1 > walk.limits.maxDepth) {
      unknown(walk, nestedPath, 'limit-exceeded', `nested deeper than ${walk.limits.maxDepth} archives`);
      continue;
    }
    const nested = await nestedReader(walk, reader, entry, nestedPath);
    if (!nested) continue;
    const nestedEntries = await readZipDirectory(nested);
    if (!nestedEntries) unknown(walk, nestedPath, 'parse-error', 'not a zip archive');
    else await scanEntries(walk, nested, nestedEntries, nestedPath, depth + 1);
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

/** pom.properties first (exact Maven coordinates); the manifest only when an archive has none. */
async function archivePackages(
  walk: Walk,
  reader: RandomAccessReader,
  entries: ZipEntry[],
  path: string,
  depth: number,
): Promise<PackageDraft[]> {
  const nested = depth > 0 ? { filePath: path } : {};
  const out: PackageDraft[] = [];
  for (const entry of entries.filter((e) => POM_PROPERTIES.test(e.name))) {
    const text = await metadataText(walk, reader, entry, path);
    const props = text === undefined ? undefined : parsePomProperties(text);
    const [g, a, v] = [props?.get('groupId'), props?.get('artifactId'), props?.get('version')];
    if (!g || !a || !v) continue;
    out.push(maven(`${g}:${a}`, v, { source: 'pom.properties', pomPath: entry.name }, nested));
  }
  if (out.length > 0) return out;
  const manifestEntry = entries.find((e) => e.name === MANIFEST);
  const text = manifestEntry && (await metadataText(walk, reader, manifestEntry, path));
  const fromManifest = text === undefined ? undefined : manifestPackage(parseManifest(text), path);
  return fromManifest ? [{ ...fromManifest, ...nested }] : [];
}

/**
 * Without pom.properties the manifest is a weaker source (names are guesses), so its packages say so
 * in `metadata.source`. The group comes from Implementation-Vendor-Id or the OSGi symbolic name.
 */
export function manifestPackage(m: Map<string, string>, archivePath: string): PackageDraft | undefined {
  const file = fileNameParts(archivePath);
  const version =
    m.get('Implementation-Version') ??
    m.get('Bundle-Version') ??
    m.get('Specification-Version') ??
    file.version;
  const symbolic = m.get('Bundle-SymbolicName')?.split(';')[0]?.trim();
  const artifact = file.artifact || m.get('Implementation-Title') || symbolic;
  if (!version || !artifact) return undefined;
  const group = m.get('Implementation-Vendor-Id') ?? groupFromSymbolicName(symbolic, artifact);
  const meta: Record<string, string> = { source: 'MANIFEST.MF' };
  for (const k of ['Implementation-Title', 'Implementation-Vendor', 'Bundle-SymbolicName', 'Main-Class']) {
    const v = m.get(k);
    if (v) meta[k] = v;
  }
  return maven(group ? `${group}:${artifact}` : artifact, version, meta, {});
}

/** `org.apache.commons.lang3` with artifact `commons-lang3` → group `org.apache.commons`. */
function groupFromSymbolicName(symbolic: string | undefined, artifact: string): string | undefined {
  if (!symbolic?.includes('.')) return undefined;
  const last = symbolic.slice(symbolic.lastIndexOf('.') + 1);
  return artifact.replace(/-/g, '').endsWith(last) ? symbolic.slice(0, symbolic.lastIndexOf('.')) : symbolic;
}

/** `commons-lang-2.6.jar` → artifact `commons-lang`, version `2.6`. */
function fileNameParts(archivePath: string): { artifact: string; version?: string } {
  const inner = archivePath.slice(archivePath.lastIndexOf('!/') + 1);
  const base = posix.basename(inner).replace(NESTED_ARCHIVE, '');
  const m = /^(.+?)-(\d[\w.+-]*)$/.exec(base);
  return m?.[1] && m[2] ? { artifact: m[1], version: m[2] } : { artifact: base };
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
