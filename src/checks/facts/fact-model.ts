import { Type, type Static } from '@sinclair/typebox';

/**
 * The facts an assessment reads, as one JSON document: what `vigil agent` will collect on a host and
 * send, and what the server evaluates with the same evaluator (facts in, results out, deterministic).
 * Keys are fact keys (`sysctl:net.ipv4.ip_forward`, `paths:/etc/shadow`, see fact-keys.ts).
 */
export const FACTS_SCHEMA_ID = 'vigil.assessment-facts/v1';

const ValueFact = Type.Object(
  {
    type: Type.Literal('value'),
    /** Absent: set nowhere (and no default applies). */
    value: Type.Optional(Type.String()),
    /** Where the value was read: `file:line`, a /proc path, `sshd default`, a command. */
    origin: Type.Optional(Type.String()),
    /** Anything the reader wants a person to know (a Match block that overrides, a masked file). */
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const LinesFact = Type.Object(
  {
    type: Type.Literal('lines'),
    /** Meaningful lines (comments and blanks removed, whitespace collapsed) with `file:line`. */
    lines: Type.Array(
      Type.Object({ text: Type.String(), origin: Type.String() }, { additionalProperties: false }),
    ),
    /** Files that were read, in the order they were read. Empty: none exists. */
    files: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);

export const PathEntrySchema = Type.Object(
  {
    path: Type.String(),
    type: Type.Union([Type.Literal('file'), Type.Literal('directory'), Type.Literal('other')]),
    /** Permission bits as 4 octal digits (`0640`). */
    mode: Type.String({ pattern: '^[0-7]{4}$' }),
    uid: Type.Integer(),
    gid: Type.Integer(),
    /** Names from the target's own /etc/passwd and /etc/group (never this machine's). */
    user: Type.Optional(Type.String()),
    group: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const PathsFact = Type.Object(
  { type: Type.Literal('paths'), paths: Type.Array(PathEntrySchema) },
  { additionalProperties: false },
);

const RecordsFact = Type.Object(
  {
    type: Type.Literal('records'),
    rows: Type.Array(Type.Record(Type.String(), Type.String())),
    origin: Type.String(),
  },
  { additionalProperties: false },
);

export const FactValueSchema = Type.Union([ValueFact, LinesFact, PathsFact, RecordsFact]);

export const FactResultSchema = Type.Union([
  Type.Object({ status: Type.Literal('ok'), fact: FactValueSchema }, { additionalProperties: false }),
  /** The fact exists but could not be read safely (link out of the root, too large, binary): ERROR. */
  Type.Object({ status: Type.Literal('error'), reason: Type.String() }, { additionalProperties: false }),
  /** This target cannot show the fact (an image resolver without directory listing): SKIPPED. */
  Type.Object(
    { status: Type.Literal('unsupported'), reason: Type.String() },
    { additionalProperties: false },
  ),
]);

export const AssessmentFactsSchema = Type.Object(
  {
    schema: Type.Literal(FACTS_SCHEMA_ID),
    target: Type.Object(
      {
        description: Type.String(),
        /** `rootfs`: configuration files only; `host`: a live system (/proc, read-only commands). */
        mode: Type.Union([Type.Literal('rootfs'), Type.Literal('host')]),
      },
      { additionalProperties: false },
    ),
    facts: Type.Record(Type.String(), FactResultSchema),
  },
  { additionalProperties: false },
);

export type ValueFact = Static<typeof ValueFact>;
export type LinesFact = Static<typeof LinesFact>;
export type PathsFact = Static<typeof PathsFact>;
export type RecordsFact = Static<typeof RecordsFact>;
export type PathEntry = Static<typeof PathEntrySchema>;
export type FactValue = Static<typeof FactValueSchema>;
export type FactResult = Static<typeof FactResultSchema>;
export type AssessmentFacts = Static<typeof AssessmentFactsSchema>;
export type TargetMode = AssessmentFacts['target']['mode'];

export const ok = (fact: FactValue): FactResult => ({ status: 'ok', fact });
export const factError = (reason: string): FactResult => ({ status: 'error', reason });
export const unsupported = (reason: string): FactResult => ({ status: 'unsupported', reason });
