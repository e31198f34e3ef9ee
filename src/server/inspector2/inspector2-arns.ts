import type { ResourceType } from '../../findings/finding-types.js';
import { invalidInput } from './inspector2-errors.js';

/**
 * vigil's ARNs in Inspector's shapes. The partition is `vigil` (nothing here is an AWS resource), the
 * region is the one the request was signed for (vigil ignores it when reading an ARN back), the
 * account is the vigil account id:
 *   finding   arn:vigil:inspector2:<region>:<account>:finding/<finding id>
 *   filter    arn:vigil:inspector2:<region>:<account>:owner/<account>/filter/<filter id>
 *   resource  arn:vigil:inspector2:<region>:<account>:resource/<resource id>   (tags)
 */
export const ARN_PARTITION = 'vigil';

export const findingArn = (region: string, accountId: string, id: string): string =>
  `arn:${ARN_PARTITION}:inspector2:${region}:${accountId}:finding/${id}`;
export const filterArn = (region: string, accountId: string, id: string): string =>
  `arn:${ARN_PARTITION}:inspector2:${region}:${accountId}:owner/${accountId}/filter/${id}`;
export const resourceArn = (region: string, accountId: string, id: string): string =>
  `arn:${ARN_PARTITION}:inspector2:${region}:${accountId}:resource/${id}`;

export type ParsedArn =
  | { kind: 'finding'; accountId: string; id: string }
  | { kind: 'filter'; accountId: string; id: string }
  | { kind: 'resource'; accountId: string; id: string };

/** An ARN this server issued, or undefined (the caller decides which exception that is). */
export function parseArn(arn: string): ParsedArn | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts[1] !== ARN_PARTITION || parts[2] !== 'inspector2')
    return undefined;
  const accountId = parts[4] ?? '';
  const rest = parts.slice(5).join(':');
  if (!accountId) return undefined;
  const finding = /^finding\/([^/]+)$/.exec(rest);
  if (finding?.[1]) return { kind: 'finding', accountId, id: finding[1] };
  const filter = /^owner\/([^/]+)\/filter\/([^/]+)$/.exec(rest);
  if (filter?.[1] === accountId && filter[2]) return { kind: 'filter', accountId, id: filter[2] };
  const resource = /^resource\/(.+)$/s.exec(rest);
  if (resource?.[1]) return { kind: 'resource', accountId, id: resource[1] };
  return undefined;
}

/** Like parseArn, but a ValidationException naming the field when it is not an ARN of this kind. */
export function requireArn<K extends ParsedArn['kind']>(
  arn: string,
  kinds: readonly K[],
  field: string,
): Extract<ParsedArn, { kind: K }> {
  const parsed = parseArn(arn);
  if (!parsed || !(kinds as readonly string[]).includes(parsed.kind))
    throw invalidInput(`${field} is not a vigil ${kinds.join(' or ')} ARN: ${arn}`, field);
  return parsed as Extract<ParsedArn, { kind: K }>;
}

/** Inspector's resource types and vigil's, both ways. */
const VIGIL_OF_AWS: Readonly<Record<string, ResourceType>> = {
  AWS_EC2_INSTANCE: 'HOST',
  AWS_ECR_CONTAINER_IMAGE: 'CONTAINER_IMAGE',
  AWS_ECR_REPOSITORY: 'CONTAINER_REPOSITORY',
};
const AWS_OF_VIGIL: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(VIGIL_OF_AWS).map(([aws, vigil]) => [vigil, aws]),
);

export const AWS_RESOURCE_TYPES = Object.keys(VIGIL_OF_AWS);

/** vigil's type of an Inspector type; undefined for types vigil has no resources of (Lambda…). */
export function vigilResourceType(aws: string): ResourceType | undefined {
  return VIGIL_OF_AWS[aws];
}

export function awsResourceType(vigil: string): string {
  return AWS_OF_VIGIL[vigil] ?? vigil;
}
