import type { Unknown } from '../../../core/unknown.js';

/**
 * One tar entry as the merge needs it. Kept bodies live in the layer's `bodies.bin` at [off, off+len).
 * t: f file, d dir, s symlink, h hard link, o other (device, fifo), w whiteout of `p`, q opaque dir `p`.
 */
export interface LayerEntry {
  p: string;
  t: 'f' | 'd' | 's' | 'h' | 'o' | 'w' | 'q';
  size?: number;
  mode?: number;
  /** Symlink target as written, or hard-link target path (in-archive, normalized). */
  link?: string;
  off?: number;
  len?: number;
  /** First bytes (base64) of a file that matched a binary glob but was not kept: lets ELF sniffing work. */
  head?: string;
  /** Over maxFileBytes: listed, never kept. */
  big?: true;
}

/** What reading one layer produced; serializable so it can be cached by diffID. */
export interface LayerRecord {
  format: number;
  diffId: string;
  /** Uncompressed tar bytes. */
  bytes: number;
  entries: LayerEntry[];
  unknowns: Unknown[];
}

export const LAYER_RECORD_FORMAT = 1;
