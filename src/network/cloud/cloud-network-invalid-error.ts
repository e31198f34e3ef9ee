import { VigilError } from '../../core/errors/vigil-error.js';

/** Uploaded `aws ec2 describe-*` JSON is not in the shape the AWS CLI prints (a 400 at the API). */
export class CloudNetworkInvalidError extends VigilError {
  constructor(errors: readonly { path: string; message: string }[]) {
    const first = errors[0];
    super(
      'CLOUD_NETWORK_INVALID',
      `cloud network JSON is not valid${first ? `: ${first.path} ${first.message}` : ''}`,
      {
        errors,
      },
    );
  }
}
