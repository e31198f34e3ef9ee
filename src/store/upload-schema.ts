/** An inventory received by the api, waiting for its `inventory-match` job (queue mode, migration 0029). */
export interface QueuedUploadTable {
  id: string;
  account_id: string;
  resource_id: string;
  /** `checkin` (an agent's full inventory) or `submission` (POST …/inventory). */
  kind: string;
  /** Orders a host's uploads (newest wins): the receiving wall clock, then a per-process counter. */
  seq: string;
  /** QUEUED (waiting for a job), RUNNING (claimed by a worker since claimed_at). */
  state: string;
  received_at: string;
  claimed_at: string | null;
  /** The agent's inventory hash (check-ins): a heartbeat with it is not asked for the inventory again. */
  inventory_hash: string | null;
  /** The checked inventory as JSON, with the agent's report for a check-in. */
  body_json: string;
}
