import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import canonicalize from 'canonicalize';
import { enc, type CollectionKind, type Desired, type LiveObject } from '../apply-kind.js';
import { ApplyFileError } from '../apply-file-error.js';

interface VexDocument {
  id: string;
  sha256: string;
}

const path = (a: string): string => `/v1/accounts/${enc(a)}/vex`;

/**
 * VEX documents (OpenVEX, CycloneDX VEX) declared by path (`/v1/accounts/{a}/vex`). The server keeps
 * no path, so a document apply uploaded is known by the path apply recorded for it; one uploaded
 * another way is known by its digest. A changed file replaces the document (delete, then upload).
 */
export const vexDocumentsKind: CollectionKind = {
  shape: 'collection',
  key: 'vexDocuments',
  title: 'VEX document',
  itemSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: { path: { type: 'string', minLength: 1, description: 'relative to the apply file' } },
  },
  identityOf: (item) => (item as { path: string }).path,
  async desired(item, ctx): Promise<Desired> {
    const p = (item as { path: string }).path;
    let bytes: Buffer;
    let doc: unknown;
    try {
      bytes = await readFile(resolve(ctx.baseDir, p));
      doc = JSON.parse(bytes.toString('utf8')) as unknown;
    } catch (err) {
      const why = err instanceof SyntaxError ? 'is not JSON' : 'cannot be read';
      throw new ApplyFileError('the apply file', [{ path: 'vexDocuments', message: `${p} ${why}` }]);
    }
    const sha256 = createHash('sha256')
      .update(canonicalize(doc) ?? '', 'utf8')
      .digest('hex');
    return { identity: p, fields: { sha256 }, body: bytes };
  },
  async list(ctx): Promise<LiveObject[]> {
    const { documents } = await ctx.client.get<{ documents: VexDocument[] }>(path(ctx.accountId));
    return documents.map((d) => ({
      id: d.id,
      identity: ctx.owned.get(d.id) ?? `sha256:${d.sha256}`,
      fields: { sha256: d.sha256 },
    }));
  },
  async create(ctx, d) {
    const r = await ctx.client.postRaw<{ document: VexDocument }>(path(ctx.accountId), d.body as Buffer);
    return { id: r.document.id };
  },
  async remove(ctx, live) {
    await ctx.client.delete(`${path(ctx.accountId)}/${enc(live.id)}`);
  },
};
