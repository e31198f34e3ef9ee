/**
 * The tables of network reachability (issue 15): the facts each agent last sent and what the analysis
 * of them found, and the cloud network model an admin uploaded for an account.
 */

/** One row per host resource whose agent sent network facts. */
export interface HostNetworkTable {
  account_id: string;
  resource_id: string;
  /** sha256 of the facts as the agent digested them (without their collection time). */
  facts_hash: string;
  /** The facts, as checked by src/network's reader. */
  facts_json: string;
  /** `cloud.instanceId` of the facts: the join with the account's cloud network. */
  instance_id: string | null;
  received_at: string;
  /** JSON InternetExposure of the last analysis (what the contextual score reads); null: never analysed. */
  exposure_json: string | null;
  analysed_at: string | null;
}

/** The AWS describe-* outputs of an account (`PUT /v1/accounts/{a}/cloud-network`). */
export interface CloudNetworkTable {
  account_id: string;
  network_json: string;
  uploaded_at: string;
}

/** An account's network settings (`PUT /v1/accounts/{a}/network-settings`). */
export interface NetworkSettingsTable {
  account_id: string;
  /** JSON array of the CIDRs the account names as trusted (its VPN, its office): not "the internet". */
  trusted_cidrs_json: string;
  updated_at: string;
}
