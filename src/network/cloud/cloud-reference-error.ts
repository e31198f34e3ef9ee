import { VigilError } from '../../core/errors/vigil-error.js';

/**
 * A resource in the uploaded cloud network names one that is not there (an ENI in an unknown subnet, a
 * security group rule referencing an unknown group, …): the analysis would have to guess, so it stops.
 */
export class CloudReferenceError extends VigilError {
  constructor(missingKind: string, missingId: string, referencedBy: string) {
    super(
      'CLOUD_NETWORK_DANGLING_REFERENCE',
      `${referencedBy} references ${missingKind} ${missingId}, which is not in the uploaded data`,
      {
        missingKind,
        missingId,
        referencedBy,
      },
    );
  }
}
