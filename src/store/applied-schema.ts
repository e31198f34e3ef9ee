/** What `vigil apply` owns (`/v1/accounts/{a}/applied-objects`, migration 0025). */
export interface AppliedObjectTable {
  account_id: string;
  /** The apply kind (`suppressionRules`, `webhooks` …): the registry key in cli/apply/apply-kinds.ts. */
  kind: string;
  /** The id the object's own API gave it. */
  object_id: string;
  /** The stable key apply knows it by (a rule's name, a webhook's URL, a VEX document's path). */
  identity: string;
  recorded_at: string;
}
