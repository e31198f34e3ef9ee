/**
 * Something the scan met and could not use. Recorded with a reason instead of failing the scan, so a
 * report says plainly what was not looked at.
 */
export type UnknownReason =
  | 'symlink-escape' // a relative symlink climbs above the root
  | 'symlink-loop'
  | 'symlink-broken'
  | 'device' // block/char device, fifo, socket
  | 'unreadable' // permission denied or I/O error
  | 'too-large' // over the configured file-size limit
  | 'parse-error' // a cataloger could not read a file it claims
  | 'unsupported' // a format version vigil does not read (yet)
  | 'hostile-path' // image layer entries: absolute, `..`, or through a symlink
  | 'limit-exceeded';

export interface Unknown {
  /** Path inside the scanned root (always starts with `/`). */
  path: string;
  reason: UnknownReason;
  detail?: string;
  /** Cataloger name when a cataloger recorded it. */
  foundBy?: string;
  layerDigest?: string;
}
