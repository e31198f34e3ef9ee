import type { Finding, FindingSuppression } from '../finding-types.js';
import { purlCovers } from './vex-purl-match.js';
import type { VexDocumentContent, VexProduct, VexStatement } from './vex-types.js';

/** A document as the matcher needs it: its statements and where they come from. */
export interface VexSourceDocument {
  /** The stored document's id, or the file the CLI read. */
  documentId: string;
  content: VexDocumentContent;
}

/** A finding's VEX verdict: the suppression to record, under the `suppressedBy` it names. */
export interface VexVerdict {
  by: string;
  suppression: FindingSuppression;
}

interface Candidate {
  doc: VexSourceDocument;
  /** Position of the document in the list: a later upload wins a timestamp tie. */
  order: number;
  statement: VexStatement;
  time: number;
}

const key = (id: string): string => id.trim().toUpperCase();

/** The purls a finding is about: its packages', and its image's (`pkg:oci/NAME@DIGEST?repository_url=`). */
function subjectPurls(f: Finding): {
  packages: Array<{ purl: string; version: string }>;
  resource: string[];
} {
  const packages = (f.packageVulnerabilityDetails?.vulnerablePackages ?? []).map((p) => ({
    purl: p.purl,
    version: p.version,
  }));
  const resource: string[] = [];
  const r = f.resources[0];
  const repo = r?.details['repositoryName'];
  if (r?.type === 'CONTAINER_IMAGE' && typeof repo === 'string' && r.id.includes(':')) {
    const name = (repo.split('/').pop() ?? repo).toLowerCase();
    const q = new URLSearchParams({ repository_url: repo }).toString();
    resource.push(`pkg:oci/${encodeURIComponent(name)}@${encodeURIComponent(r.id)}?${q}`);
  }
  return { packages, resource };
}

/**
 * A product covers a finding when one of its purls names the finding's package (or the finding's
 * image), and — when it lists subcomponents — one of those names the package (OpenVEX: "the
 * vulnerability is in these components of the product"). CycloneDX version lists narrow it further.
 */
function productCovers(p: VexProduct, s: ReturnType<typeof subjectPurls>): boolean {
  const named = (purl: string): boolean =>
    s.packages.some((x) => purlCovers(purl, x.purl)) || s.resource.some((x) => purlCovers(purl, x));
  if (!p.purls.some(named)) return false;
  const pkgs =
    p.subcomponents.length === 0
      ? s.packages
          .filter((x) => p.purls.some((purl) => purlCovers(purl, x.purl)))
          .concat(
            // The product is the image: every package in it is in scope.
            p.purls.some((purl) => s.resource.some((x) => purlCovers(purl, x))) ? s.packages : [],
          )
      : s.packages.filter((x) => p.subcomponents.some((sub) => purlCovers(sub, x.purl)));
  if (pkgs.length === 0) return false;
  return p.versions === undefined || pkgs.some((x) => p.versions?.includes(x.version));
}

function reasonOf(st: VexStatement): string {
  const why = st.justification ? ` (${st.justification})` : '';
  return `VEX ${st.status}${why}${st.impactStatement ? `: ${st.impactStatement}` : ''}`;
}

function verdictOf(c: Candidate, vulnerabilityId: string, product: string): VexVerdict | undefined {
  const { statement: st, doc } = c;
  if (st.status !== 'not_affected' && st.status !== 'fixed') return undefined;
  const d = doc.content;
  return {
    by: `vex:${doc.documentId}#${st.index}`,
    suppression: {
      reason: reasonOf(st),
      source: {
        type: 'VEX',
        documentId: doc.documentId,
        format: d.format,
        ...(d.vexId !== undefined ? { vexId: d.vexId } : {}),
        ...(d.author !== undefined ? { author: d.author } : {}),
        ...(st.timestamp !== undefined ? { timestamp: st.timestamp } : {}),
        statementIndex: st.index,
        status: st.status,
        ...(st.justification !== undefined ? { justification: st.justification } : {}),
        ...(st.impactStatement !== undefined ? { impactStatement: st.impactStatement } : {}),
        vulnerabilityId,
        product,
      },
    },
  };
}

/**
 * The VEX documents of an account (or of a CLI run) as one function over findings. Of every statement
 * that covers a finding (its vulnerability id or an alias, and its package), the latest by timestamp
 * decides — the OpenVEX rule that a later statement about the same product and vulnerability overrides
 * an earlier one — with ties going to the later document, then the later statement. It suppresses only
 * when that statement says `not_affected` or `fixed`; `affected` or `under_investigation` suppress nothing.
 */
export function vexSuppressor(docs: readonly VexSourceDocument[]): (f: Finding) => VexVerdict | undefined {
  const byVuln = new Map<string, Candidate[]>();
  docs.forEach((doc, order) => {
    for (const statement of doc.content.statements) {
      const time = statement.timestamp ? Date.parse(statement.timestamp) : Number.NEGATIVE_INFINITY;
      const c: Candidate = { doc, order, statement, time };
      for (const id of statement.vulnerabilityIds) {
        const list = byVuln.get(key(id)) ?? [];
        list.push(c);
        byVuln.set(key(id), list);
      }
    }
  });
  return (f) => {
    const details = f.packageVulnerabilityDetails;
    if (!details || byVuln.size === 0) return undefined;
    const ids = [details.vulnerabilityId, ...details.relatedVulnerabilities];
    let best: { c: Candidate; id: string; product: string } | undefined;
    const subject = subjectPurls(f);
    for (const id of ids) {
      for (const c of byVuln.get(key(id)) ?? []) {
        const product = c.statement.products.find((p) => productCovers(p, subject));
        if (!product || (best && later(best.c, c))) continue;
        best = { c, id, product: product.ref };
      }
    }
    return best && verdictOf(best.c, best.id, best.product);
  };
}

/** True when `a` was said after `b` (time, then document order, then statement order). */
function later(a: Candidate, b: Candidate): boolean {
  if (a.time !== b.time) return a.time > b.time;
  if (a.order !== b.order) return a.order > b.order;
  return a.statement.index > b.statement.index;
}
