/**
 * Where each kind of sealed secret belongs. The context is bound into the envelope (AES-GCM additional
 * data), so a sealed value copied into another row, or another column, does not open. Issue 13 adds
 * the registry credentials' context here.
 */
export function webhookSecretContext(subscriptionId: string): string {
  return `webhook:${subscriptionId}`;
}

/** An AWS secret access key of the Inspector2-compatible API, by its access key id. */
export function awsSecretContext(accessKeyId: string): string {
  return `aws-access-key:${accessKeyId}`;
}

/** A watched registry's credentials (issue 13), by the registry's id. */
export function registryCredentialsContext(registryId: string): string {
  return `registry-credentials:${registryId}`;
}
