/**
 * Every event type vigil announces (CloudEvents `type`). Webhook subscriptions filter on these; adding
 * one here is the only way to add an event, so the list in the API and docs cannot drift.
 */
export const EVENT_TYPES = [
  'vigil.finding.created',
  'vigil.finding.updated',
  'vigil.finding.closed',
  'vigil.scan.completed',
  'vigil.coverage.changed',
  'vigil.suppression-rule.created',
  'vigil.suppression-rule.updated',
  'vigil.suppression-rule.deleted',
  'vigil.vex-document.created',
  'vigil.vex-document.deleted',
  // Classic assessment runs, each only when the run's template subscribes (ASSESSMENT_RUN_STARTED, …).
  'vigil.assessment-run.started',
  'vigil.assessment-run.completed',
  'vigil.assessment-run.finding-reported',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** An event before it is stored: `subject` is what it is about (finding id, rule id, resource id). */
export interface OutboxEvent {
  type: EventType;
  accountId: string;
  subject: string;
  data: unknown;
  /** `data` as JSON, when the writer already has it (a finding's document): not serialized again. */
  dataJson?: string;
}
