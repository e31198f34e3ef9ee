import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { BaseImageRef, Finding } from '../../findings/finding-types.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';

/**
 * The base-image hint (issue 13): an image whose ordered layer digests start with the whole layer list
 * of another image of the account was built FROM it (or from something that was). The longest such
 * base wins; a finding whose package's layer is one of the base's layers names that base and says to
 * rebuild on a newer base image. The prefix of layer digests decides; the config's history is not
 * needed for it (its empty_layer entries would have to be skipped to align it with the layers anyway).
 */
export interface BaseImage extends BaseImageRef {
  resourceId: string;
  layers: readonly string[];
}

type Db = Kysely<ServiceDatabase>;

/** SHA-256 of the ordered layer digests: equal chains are equal layer lists. */
export function chainDigest(layers: readonly string[]): string {
  return createHash('sha256').update(layers.join('\n')).digest('hex');
}

/** The image's layers as of its latest scan (replacing what an earlier scan recorded). */
export async function recordImageLayers(
  db: Db,
  at: { accountId: string; resourceId: string },
  layers: readonly string[],
): Promise<void> {
  const row = {
    chain_digest: chainDigest(layers),
    layer_count: layers.length,
    layers_json: JSON.stringify(layers),
  };
  await db
    .insertInto('image_layer_chains')
    .values({ account_id: at.accountId, resource_id: at.resourceId, ...row })
    .onConflict((oc) => oc.columns(['account_id', 'resource_id']).doUpdateSet(row))
    .execute();
}

/** The image's recorded layers, by resource (images without a record are absent). */
export async function recordedLayers(
  db: Db,
  accountId: string,
  resourceIds: readonly string[],
): Promise<Map<string, string[]>> {
  if (resourceIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('image_layer_chains')
    .select(['resource_id', 'layers_json'])
    .where('account_id', '=', accountId)
    .where('resource_id', 'in', resourceIds)
    .execute();
  return new Map(rows.map((r) => [r.resource_id, JSON.parse(r.layers_json) as string[]]));
}

/**
 * The longest image of the account (not deleted, not this one) whose layers are a strict prefix of
 * `layers`: one indexed lookup of the chains of `layers`' own prefixes, checked against the stored list.
 */
export async function baseImageOf(
  db: Db,
  at: { accountId: string; resourceId: string },
  layers: readonly string[],
): Promise<BaseImage | undefined> {
  if (layers.length < 2) return undefined;
  const prefixes = layers.slice(0, -1).map((_, i) => chainDigest(layers.slice(0, i + 1)));
  const rows = await db
    .selectFrom('image_layer_chains as c')
    .innerJoin('resources as r', (j) =>
      j.onRef('r.account_id', '=', 'c.account_id').onRef('r.id', '=', 'c.resource_id'),
    )
    .select(['c.resource_id', 'c.layers_json', 'r.details_json'])
    .where('c.account_id', '=', at.accountId)
    .where('c.chain_digest', 'in', prefixes)
    .where('c.resource_id', '!=', at.resourceId)
    .where('r.deleted_at', 'is', null)
    .orderBy('c.layer_count', 'desc')
    .orderBy('c.resource_id', 'asc')
    .execute();
  for (const row of rows) {
    const base = JSON.parse(row.layers_json) as string[];
    if (!base.every((d, i) => layers[i] === d)) continue;
    const details = JSON.parse(row.details_json) as Record<string, unknown>;
    const repo = details['repositoryName'];
    const tags = details['imageTags'];
    return {
      resourceId: row.resource_id,
      layers: base,
      repositoryName: typeof repo === 'string' ? repo : null,
      imageTags: Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [],
      imageHash: typeof details['imageHash'] === 'string' ? details['imageHash'] : row.resource_id,
    };
  }
  return undefined;
}

/** How a base image is named in a remediation: `repo:tag@digest`. */
export function baseImageName(b: BaseImageRef): string {
  const tag = b.imageTags[0] ? `:${b.imageTags[0]}` : '';
  return `${b.repositoryName ?? 'image'}${tag}@${b.imageHash}`;
}

/** The findings with the hint on each one whose package came from one of the base's layers. */
export function withBaseImageHint(findings: readonly Finding[], base: BaseImage | undefined): Finding[] {
  if (!base) return [...findings];
  const inBase = new Set(base.layers);
  const ref: BaseImageRef = {
    repositoryName: base.repositoryName,
    imageTags: base.imageTags,
    imageHash: base.imageHash,
  };
  return findings.map((f) => {
    const d = f.packageVulnerabilityDetails;
    if (!d?.vulnerablePackages.some((p) => p.layerDigest !== undefined && inBase.has(p.layerDigest)))
      return f;
    const advice = `The package comes from the base image ${baseImageName(ref)}: rebuild the image on a newer base image.`;
    return {
      ...f,
      packageVulnerabilityDetails: { ...d, baseImage: ref },
      remediation: { recommendation: { text: `${f.remediation.recommendation.text} ${advice}`.trim() } },
    };
  });
}

/** At an image scan's apply: its layers are recorded (it may be a base later) and its findings hinted. */
export async function hintScannedImage(
  db: Db,
  at: { accountId: string; resourceId: string },
  layers: readonly string[],
  findings: readonly Finding[],
): Promise<Finding[]> {
  await recordImageLayers(db, at, layers);
  return withBaseImageHint(findings, await baseImageOf(db, at, layers));
}

/**
 * At a re-match: the findings of each image with recorded layers get the hint as its scan would give it
 * (a re-match that dropped it would rewrite every base finding). Others are returned as they are.
 */
export async function hintRematchedImages<
  R extends { accountId: string; resourceId: string; findings: readonly Finding[] },
>(db: Db, rs: readonly R[]): Promise<Array<{ r: R; findings?: Finding[] }>> {
  const out: Array<{ r: R; findings?: Finding[] }> = [];
  for (const accountId of new Set(rs.map((r) => r.accountId))) {
    const mine = rs.filter((r) => r.accountId === accountId);
    const layers = await recordedLayers(
      db,
      accountId,
      mine.map((r) => r.resourceId),
    );
    for (const r of mine) {
      const own = layers.get(r.resourceId);
      const base = own && (await baseImageOf(db, r, own));
      out.push(base ? { r, findings: withBaseImageHint(r.findings, base) } : { r });
    }
  }
  return out;
}
