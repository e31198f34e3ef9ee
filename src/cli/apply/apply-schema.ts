import { FilterCriteriaSchema } from '../../server/routes/route-schemas.js';
import type { JsonSchema } from './apply-kind.js';
import { APPLY_KINDS } from './apply-kinds.js';

export const APPLY_API_VERSION = 'vigil/v1';
export const APPLY_SCHEMA_ID = 'urn:vigil:apply:v1';

const ACCOUNT_ID = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$' };

/**
 * The JSON Schema (draft 2020-12) of an apply file, as `vigil apply --schema` prints it: the top, the
 * organization, and an account block whose keys come from the kind registry. Every object refuses
 * keys it does not name, so a typo is an error at its path.
 */
export function applySchema(): JsonSchema {
  const accountProps: Record<string, unknown> = {
    id: { ...ACCOUNT_ID, description: 'The account id (created in the organization when missing).' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
  };
  for (const kind of APPLY_KINDS)
    accountProps[kind.key] =
      kind.shape === 'setting' ? kind.schema : { type: 'array', maxItems: 1000, items: kind.itemSchema };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: APPLY_SCHEMA_ID,
    title: 'vigil apply file',
    type: 'object',
    additionalProperties: false,
    required: ['apiVersion'],
    properties: {
      apiVersion: { const: APPLY_API_VERSION },
      organization: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'administratorAccount'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 200 },
          administratorAccount: {
            ...ACCOUNT_ID,
            description: "The delegated administrator: the account of apply's admin key.",
          },
        },
      },
      accounts: { type: 'array', maxItems: 1000, items: { $ref: '#/$defs/account' } },
    },
    $defs: {
      account: { type: 'object', additionalProperties: false, required: ['id'], properties: accountProps },
      filterCriteria: plainFilterCriteria(),
    },
  };
}

/** The server's own FilterCriteria schema (what its routes check), as plain JSON without its $id. */
function plainFilterCriteria(): JsonSchema {
  const plain = JSON.parse(JSON.stringify(FilterCriteriaSchema)) as Record<string, unknown>;
  delete plain['$id'];
  return plain;
}
