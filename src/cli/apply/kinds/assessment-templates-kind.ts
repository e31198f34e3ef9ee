import { ApplyRequestError } from '../apply-request-error.js';
import {
  defined,
  enc,
  type CollectionKind,
  type Desired,
  type Fields,
  type LiveObject,
} from '../apply-kind.js';

const PACKAGES = ['CVE', 'CIS', 'NETWORK_REACHABILITY', 'SECURITY_BEST_PRACTICES'];
const EVENTS = ['ASSESSMENT_RUN_STARTED', 'ASSESSMENT_RUN_COMPLETED', 'FINDING_REPORTED'];

type Tags = Record<string, string[]>;
interface TemplateDecl {
  name: string;
  target?: { resourceTags?: Tags };
  rulesPackages: string[];
  durationInSeconds: number;
  userAttributes?: Array<{ key: string; value: string }>;
  eventSubscriptions?: string[];
  schedule?: { cron: string; timezone?: string };
}
interface LiveTemplate {
  assessmentTemplateId: string;
  name: string;
  assessmentTargetId: string;
  rulesPackages: string[];
  durationInSeconds: number;
  userAttributes: Array<{ key: string; value: string }>;
  eventSubscriptions: string[];
  schedule?: { cron: string; timezone: string };
}
interface LiveTarget {
  assessmentTargetId: string;
  resourceTags: Tags;
}

const base = (a: string): string => `/v1/accounts/${enc(a)}`;
const sorted = (xs: readonly string[]): string[] => [...new Set(xs)].sort();
const tagsOf = (t: Tags | undefined): Tags =>
  Object.fromEntries(Object.entries(t ?? {}).map(([k, v]) => [k, sorted(v)]));

/** The fields both sides compare: the target's tags travel with the template that uses them. */
function fieldsOf(t: Omit<TemplateDecl, 'name'>): Fields {
  return defined({
    target: { resourceTags: tagsOf(t.target?.resourceTags) },
    rulesPackages: sorted(t.rulesPackages),
    durationInSeconds: t.durationInSeconds,
    userAttributes: t.userAttributes ?? [],
    eventSubscriptions: sorted(t.eventSubscriptions ?? []),
    schedule: t.schedule ? { cron: t.schedule.cron, timezone: t.schedule.timezone ?? 'UTC' } : undefined,
  });
}

/**
 * Inspector Classic's assessment templates with their targets and schedules, known by name. A
 * template declares its target inline (the hosts by tags; none: every host of the account): apply
 * makes one target per template, so creating, replacing and pruning never order two kinds against
 * each other. The server has no update for either, so a change replaces both (a run history stays
 * with the old template's id).
 */
export const assessmentTemplatesKind: CollectionKind = {
  shape: 'collection',
  key: 'assessmentTemplates',
  title: 'assessment template',
  itemSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'rulesPackages', 'durationInSeconds'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 128 },
      target: {
        type: 'object',
        additionalProperties: false,
        description: 'The hosts assessed: by tags (every listed key, any of its values); left out: all hosts',
        properties: {
          resourceTags: {
            type: 'object',
            additionalProperties: { type: 'array', minItems: 1, items: { type: 'string', maxLength: 256 } },
          },
        },
      },
      rulesPackages: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: PACKAGES } },
      durationInSeconds: { type: 'integer', minimum: 60, maximum: 86_400 },
      userAttributes: {
        type: 'array',
        maxItems: 10,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['key', 'value'],
          properties: { key: { type: 'string', minLength: 1, maxLength: 128 }, value: { type: 'string' } },
        },
      },
      eventSubscriptions: { type: 'array', uniqueItems: true, items: { enum: EVENTS } },
      schedule: {
        type: 'object',
        additionalProperties: false,
        required: ['cron'],
        properties: {
          cron: { type: 'string', description: 'five fields: minute hour day month weekday' },
          timezone: { type: 'string', description: 'an IANA zone; default UTC' },
        },
      },
    },
  },
  identityOf: (item) => (item as TemplateDecl).name,
  desired(item): Promise<Desired> {
    const t = item as TemplateDecl;
    return Promise.resolve({ identity: t.name, fields: fieldsOf(t), body: t });
  },
  async list(ctx): Promise<LiveObject[]> {
    const at = base(ctx.accountId);
    const [{ assessmentTemplates }, { assessmentTargets }] = await Promise.all([
      ctx.client.get<{ assessmentTemplates: LiveTemplate[] }>(`${at}/assessment-templates`),
      ctx.client.get<{ assessmentTargets: LiveTarget[] }>(`${at}/assessment-targets`),
    ]);
    const targets = new Map(assessmentTargets.map((t) => [t.assessmentTargetId, t]));
    return assessmentTemplates.map((t) => ({
      id: t.assessmentTemplateId,
      identity: t.name,
      fields: fieldsOf({
        ...t,
        target: { resourceTags: targets.get(t.assessmentTargetId)?.resourceTags ?? {} },
      }),
    }));
  },
  async create(ctx, d) {
    const t = d.body as TemplateDecl;
    const at = base(ctx.accountId);
    const target = await ctx.client.post<LiveTarget>(`${at}/assessment-targets`, {
      name: t.name,
      resourceTags: t.target?.resourceTags ?? {},
    });
    const { target: _inline, ...rest } = t;
    const made = await ctx.client.post<LiveTemplate>(`${at}/assessment-templates`, {
      ...rest,
      assessmentTargetId: target.assessmentTargetId,
    });
    return { id: made.assessmentTemplateId };
  },
  async remove(ctx, live) {
    const at = base(ctx.accountId);
    const { assessmentTargetId } = await ctx.client.get<LiveTemplate>(
      `${at}/assessment-templates/${enc(live.id)}`,
    );
    await ctx.client.delete(`${at}/assessment-templates/${enc(live.id)}`);
    try {
      await ctx.client.delete(`${at}/assessment-targets/${enc(assessmentTargetId)}`);
    } catch (err) {
      // A hand-made target another template still uses stays (the server refuses with 400).
      if (!(err instanceof ApplyRequestError && err.details['status'] === 400)) throw err;
    }
  },
};
