import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import type { Finding } from '../../src/findings/finding-types.js';
import { requireSharedData, SHARED_DATA } from '../fixtures/shared-data.js';

/** CycloneDX's VEX use-case examples (../shared/data/examples/cyclonedx/VEX.tar.gz). */
export const CYCLONEDX_VEX_TARBALL = join(SHARED_DATA, 'examples/cyclonedx/VEX.tar.gz');
export const TESTDATA = new URL('../../src/findings/vex/testdata/', import.meta.url).pathname;

/** The tarball's JSON files, path → text, read with tar-stream (nothing unpacked to disk). */
export async function cyclonedxVexExamples(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => chunks.push(c as Buffer));
    stream.on('end', () => {
      if (header.type === 'file' && header.name.endsWith('.json'))
        out.set(header.name, Buffer.concat(chunks).toString('utf8'));
      next();
    });
    stream.resume();
  });
  await pipeline(createReadStream(requireSharedData(CYCLONEDX_VEX_TARBALL)), createGunzip(), extract);
  return out;
}

/** One example as a file (the CLI reads files), in a temp dir the caller removes. */
export async function exampleFiles(names: readonly string[]): Promise<{ dir: string; paths: string[] }> {
  const all = await cyclonedxVexExamples();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-vex-'));
  const { writeFileSync } = await import('node:fs');
  const paths = names.map((n, i) => {
    const text = all.get(n);
    if (text === undefined) throw new Error(`${n} is not in ${CYCLONEDX_VEX_TARBALL}`);
    const p = join(dir, `${i}-${n.replaceAll('/', '_')}`);
    writeFileSync(p, text);
    return p;
  });
  return { dir, paths };
}

export const removeDir = (dir: string): void => rmSync(dir, { recursive: true, force: true });

export const readTestdata = (name: string): string => readFileSync(join(TESTDATA, name), 'utf8');

/**
 * The oracle: which findings a set of VEX documents suppresses, computed from the raw JSON by plain
 * string handling, apart from vigil's parser and matcher. A statement covers a finding when one of its
 * vulnerability names equals the finding's id or an alias, and its product purl equals the package's
 * after dropping what the statement leaves out (version, qualifiers). Of the covering statements the
 * latest (time, then document order, then position) decides; not_affected / fixed / false_positive /
 * resolved suppress. Only purl products and bom-refs resolving to a purl are understood, as in vigil.
 */
export function expectedSuppressed(
  docs: ReadonlyArray<Record<string, unknown>>,
  findings: Finding[],
): string[] {
  const out: string[] = [];
  for (const f of findings) {
    const d = f.packageVulnerabilityDetails;
    if (!d) continue;
    const ids = new Set([d.vulnerabilityId, ...d.relatedVulnerabilities].map((x) => x.toUpperCase()));
    const purls = d.vulnerablePackages.map((p) => p.purl);
    let best: { rank: [number, number, number]; suppress: boolean } | undefined;
    docs.forEach((doc, di) => {
      for (const s of statementsOf(doc)) {
        if (!s.vulns.some((v) => ids.has(v.toUpperCase()))) continue;
        if (!s.products.some((p) => purls.some((q) => sameModuloOmitted(p.purl, q) && subOk(p.subs, q))))
          continue;
        const rank: [number, number, number] = [s.time, di, s.index];
        if (!best || greater(rank, best.rank)) best = { rank, suppress: s.suppress };
      }
    });
    if (best?.suppress) out.push(f.id);
  }
  return out.sort();
}

const greater = (a: number[], b: number[]): boolean => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] ?? 0) > (b[i] ?? 0);
  return false;
};

function subOk(subs: string[], purl: string): boolean {
  return subs.length === 0 || subs.some((s) => sameModuloOmitted(s, purl));
}

/** `pkg:t/ns/name@v?q=1` against a full purl: the parts the statement omits are free. */
function sameModuloOmitted(statement: string, subject: string): boolean {
  const split = (p: string): { base: string; version?: string; qs: string[] } => {
    const [head = '', query = ''] = p.split('?');
    const at = head.lastIndexOf('@');
    return at > 0
      ? {
          base: head.slice(0, at),
          version: decodeURIComponent(head.slice(at + 1)),
          qs: query ? query.split('&') : [],
        }
      : { base: head, qs: query ? query.split('&') : [] };
  };
  const s = split(statement);
  const p = split(subject);
  if (s.base.toLowerCase() !== p.base.toLowerCase()) return false;
  if (s.version !== undefined && s.version !== p.version) return false;
  return s.qs.every((q) => p.qs.includes(q));
}

interface OracleStatement {
  index: number;
  vulns: string[];
  products: Array<{ purl: string; subs: string[] }>;
  suppress: boolean;
  time: number;
}

interface RawCdx {
  metadata?: { timestamp?: string; component?: { 'bom-ref'?: string; purl?: string } };
  components?: Array<{ 'bom-ref'?: string; purl?: string }>;
  vulnerabilities?: Array<{
    id: string;
    references?: Array<{ id: string }>;
    analysis?: { state?: string; lastUpdated?: string };
    affects?: Array<{ ref: string; versions?: Array<{ status?: string }> }>;
  }>;
}
interface RawOpenVex {
  timestamp: string;
  statements: Array<{
    vulnerability: { name: string; aliases?: string[] };
    products: Array<{
      '@id': string;
      identifiers?: { purl?: string };
      subcomponents?: Array<{ '@id': string }>;
    }>;
    status: string;
    timestamp?: string;
    last_updated?: string;
  }>;
}

const SUPPRESSING_STATES = ['not_affected', 'false_positive', 'resolved', 'resolved_with_pedigree'];

function cdxStatements(d: RawCdx): OracleStatement[] {
  const refs = new Map<string, string>();
  for (const c of [d.metadata?.component, ...(d.components ?? [])])
    if (c?.['bom-ref'] && c.purl) refs.set(c['bom-ref'], c.purl);
  return (d.vulnerabilities ?? []).map((v, index) => ({
    index,
    vulns: [v.id, ...(v.references ?? []).map((r) => r.id)],
    products: (v.affects ?? [])
      .filter((a) => !a.versions || a.versions.some((x) => x.status === 'unaffected'))
      .map((a) => {
        const frag = a.ref.includes('#') ? decodeURIComponent(a.ref.split('#')[1] ?? '') : a.ref;
        return { purl: refs.get(frag) ?? (frag.startsWith('pkg:') ? frag : 'no-purl'), subs: [] };
      }),
    suppress: SUPPRESSING_STATES.includes(v.analysis?.state ?? ''),
    time: Date.parse(v.analysis?.lastUpdated ?? d.metadata?.timestamp ?? '1970-01-01T00:00:00Z'),
  }));
}

function statementsOf(doc: Record<string, unknown>): OracleStatement[] {
  if (doc['bomFormat'] === 'CycloneDX') return cdxStatements(doc);
  const d = doc as unknown as RawOpenVex;
  return d.statements.map((s, index) => ({
    index,
    vulns: [s.vulnerability.name, ...(s.vulnerability.aliases ?? [])],
    products: s.products.map((p) => ({
      purl: p.identifiers?.purl ?? p['@id'],
      subs: (p.subcomponents ?? []).map((x) => x['@id']),
    })),
    suppress: s.status === 'not_affected' || s.status === 'fixed',
    time: Date.parse(s.last_updated ?? s.timestamp ?? d.timestamp),
  }));
}
