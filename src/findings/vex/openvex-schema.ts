/**
 * The OpenVEX document shape (spec v0.2.0, plus v0.0.1's string vulnerability and statement-level
 * subcomponents) as a JSON Schema, written from the spec's field tables: no npm package validates
 * OpenVEX. Unknown keys are allowed (JSON-LD documents extend), known ones must have their type.
 */
export const OPENVEX_CONTEXTS = [
  'https://openvex.dev/ns',
  'https://openvex.dev/ns/v0.0.1',
  'https://openvex.dev/ns/v0.2.0',
] as const;

export const OPENVEX_STATUSES = ['not_affected', 'affected', 'fixed', 'under_investigation'] as const;

export const OPENVEX_JUSTIFICATIONS = [
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'inline_mitigations_already_exist',
] as const;

const text = { type: 'string', minLength: 1, maxLength: 10_000 };
const identifiers = {
  type: 'object',
  properties: { purl: text, cpe22: text, cpe23: text },
};
const component = {
  anyOf: [
    text,
    {
      type: 'object',
      properties: { '@id': text, identifiers, hashes: { type: 'object' } },
      anyOf: [{ required: ['@id'] }, { required: ['identifiers'] }],
    },
  ],
};
const product = {
  anyOf: [
    text,
    {
      type: 'object',
      properties: {
        '@id': text,
        identifiers,
        hashes: { type: 'object' },
        subcomponents: { type: 'array', items: component, maxItems: 10_000 },
      },
      anyOf: [{ required: ['@id'] }, { required: ['identifiers'] }],
    },
  ],
};
const vulnerability = {
  anyOf: [
    text,
    {
      type: 'object',
      required: ['name'],
      properties: {
        name: text,
        '@id': text,
        description: { type: 'string' },
        aliases: { type: 'array', items: text, maxItems: 1000 },
      },
    },
  ],
};

const statement = {
  type: 'object',
  required: ['vulnerability', 'products', 'status'],
  properties: {
    '@id': text,
    vulnerability,
    products: { type: 'array', items: product, minItems: 1, maxItems: 10_000 },
    subcomponents: { type: 'array', items: component, maxItems: 10_000 },
    status: { enum: OPENVEX_STATUSES },
    status_notes: { type: 'string' },
    justification: { enum: OPENVEX_JUSTIFICATIONS },
    impact_statement: { type: 'string' },
    action_statement: { type: 'string' },
    action_statement_timestamp: { type: 'string' },
    timestamp: text,
    last_updated: text,
  },
  // The spec: a not_affected statement MUST carry a justification or an impact statement.
  if: { properties: { status: { const: 'not_affected' } } },
  then: { anyOf: [{ required: ['justification'] }, { required: ['impact_statement'] }] },
};

export const OPENVEX_SCHEMA = {
  type: 'object',
  required: ['@context', '@id', 'author', 'timestamp', 'statements'],
  properties: {
    '@context': { type: 'string' },
    '@id': text,
    author: text,
    role: { type: 'string' },
    timestamp: text,
    last_updated: text,
    version: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string' }] },
    tooling: { type: 'string' },
    statements: { type: 'array', items: statement, maxItems: 100_000 },
  },
} as const;
