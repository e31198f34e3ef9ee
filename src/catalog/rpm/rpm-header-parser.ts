/**
 * Pure reader of an rpm header blob as rpmdb stores it (every backend holds the same blob): a count of
 * index entries and the data size (both big-endian u32), the entries (tag, type, offset, count), then
 * the data store. Only the tags inventory needs are decoded; every offset is bounds-checked, so a
 * damaged blob yields an error, never a read past its end.
 */
export const RPMTAG = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  VENDOR: 1011,
  LICENSE: 1014,
  OLDFILENAMES: 1027,
  ARCH: 1022,
  SOURCERPM: 1044,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
} as const;

const TYPE = { CHAR: 1, INT8: 2, INT16: 3, INT32: 4, INT64: 5, STRING: 6, BIN: 7, STRING_ARRAY: 8, I18N: 9 };
/** rpm's own limits (header.c): more than this is not a header rpm wrote. */
const MAX_ENTRIES = 0xffff;
const MAX_DATA = 256 * 1024 * 1024;

export class RpmHeader {
  private readonly index = new Map<number, { type: number; offset: number; count: number }>();

  private constructor(private readonly data: Buffer) {}

  /** Throws a plain Error with the reason when the blob is not a well-formed header. */
  static parse(blob: Buffer): RpmHeader {
    if (blob.length < 8) throw new Error(`header blob of ${blob.length} bytes`);
    const il = blob.readUInt32BE(0);
    const dl = blob.readUInt32BE(4);
    if (il === 0 || il > MAX_ENTRIES || dl > MAX_DATA)
      throw new Error(`implausible header (il=${il}, dl=${dl})`);
    const dataStart = 8 + il * 16;
    if (dataStart + dl > blob.length)
      throw new Error(`header says ${dataStart + dl} bytes, blob has ${blob.length}`);
    const header = new RpmHeader(blob.subarray(dataStart, dataStart + dl));
    for (let i = 0; i < il; i++) {
      const at = 8 + i * 16;
      const tag = blob.readInt32BE(at);
      const entry = {
        type: blob.readUInt32BE(at + 4),
        offset: blob.readInt32BE(at + 8),
        count: blob.readUInt32BE(at + 12),
      };
      if (entry.offset < 0 || entry.offset > dl) throw new Error(`tag ${tag} points outside the data store`);
      if (!header.index.has(tag)) header.index.set(tag, entry);
    }
    return header;
  }

  has(tag: number): boolean {
    return this.index.has(tag);
  }

  /** STRING, or the first of a STRING_ARRAY / I18NSTRING (the C locale's value). */
  string(tag: number): string | undefined {
    const e = this.index.get(tag);
    if (!e || ![TYPE.STRING, TYPE.STRING_ARRAY, TYPE.I18N].includes(e.type) || e.count === 0)
      return undefined;
    return this.readStrings(e.offset, 1)[0];
  }

  strings(tag: number): string[] {
    const e = this.index.get(tag);
    if (!e) return [];
    if (e.type === TYPE.STRING) return [this.readStrings(e.offset, 1)[0] ?? ''];
    if (e.type !== TYPE.STRING_ARRAY && e.type !== TYPE.I18N) return [];
    return this.readStrings(e.offset, e.count);
  }

  /** INT32 (and smaller integer types) as numbers. */
  ints(tag: number): number[] {
    const e = this.index.get(tag);
    if (!e) return [];
    const width =
      e.type === TYPE.INT32
        ? 4
        : e.type === TYPE.INT16
          ? 2
          : e.type === TYPE.INT8 || e.type === TYPE.CHAR
            ? 1
            : 0;
    if (width === 0 || e.offset + e.count * width > this.data.length) return [];
    const out: number[] = [];
    for (let i = 0; i < e.count; i++) {
      const at = e.offset + i * width;
      out.push(
        width === 4
          ? this.data.readUInt32BE(at)
          : width === 2
            ? this.data.readUInt16BE(at)
            : (this.data[at] as number),
      );
    }
    return out;
  }

  int(tag: number): number | undefined {
    return this.ints(tag)[0];
  }

  /** `count` NUL-terminated strings from `offset`; stops (short) at the end of the data store. */
  private readStrings(offset: number, count: number): string[] {
    const out: string[] = [];
    let at = offset;
    for (let i = 0; i < count && at < this.data.length; i++) {
      const end = this.data.indexOf(0, at);
      if (end < 0) throw new Error('unterminated string in header data');
      out.push(this.data.toString('utf8', at, end));
      at = end + 1;
    }
    return out;
  }
}
