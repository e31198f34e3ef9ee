import { VigilError } from '../core/errors/vigil-error.js';

/** A queued upload matched while a newer one of its host arrived (or took it over): not applied. */
export class UploadSupersededError extends VigilError {
  constructor(uploadId: string) {
    super('UPLOAD_SUPERSEDED', `upload ${uploadId} was superseded by a newer one of its host`, { uploadId });
  }
}
