/**
 * Keeps the head and the tail of a child's output stream and only counts what lies between: BTSTask (or a fake, or
 * a broken installer) can print without end, and the diagnostics need its first lines (banner, first errors) and its
 * last ones (the summary, the final errors), not 50 MB in memory. Memory is bounded by `headBytes + 2 * tailBytes`.
 */
export interface CapturedBytes {
  head: Buffer;
  /** Empty unless bytes were omitted; otherwise the last bytes of the stream. */
  tail: Buffer;
  /** Bytes between head and tail that were counted and dropped. */
  omitted: number;
  total: number;
}

export class BoundedCapture {
  private readonly headLimit: number;
  private readonly tailLimit: number;
  private readonly headChunks: Buffer[] = [];
  private headLength = 0;
  /** Chunks after the head, trimmed from the front whenever they hold more than twice the tail limit. */
  private tailChunks: Buffer[] = [];
  private tailLength = 0;
  private dropped = 0;
  private totalLength = 0;

  constructor(headBytes: number, tailBytes: number) {
    this.headLimit = headBytes;
    this.tailLimit = tailBytes;
  }

  push(chunk: Buffer): void {
    this.totalLength += chunk.length;
    let rest = chunk;
    if (this.headLength < this.headLimit) {
      const take = Math.min(this.headLimit - this.headLength, rest.length);
      this.headChunks.push(rest.subarray(0, take));
      this.headLength += take;
      rest = rest.subarray(take);
    }
    if (rest.length === 0) return;
    this.tailChunks.push(rest);
    this.tailLength += rest.length;
    if (this.tailLength > 2 * this.tailLimit) {
      // Copy what is kept so the large chunks it came from can be collected.
      const joined = Buffer.concat(this.tailChunks);
      const keep = Buffer.from(joined.subarray(joined.length - this.tailLimit));
      this.dropped += joined.length - keep.length;
      this.tailChunks = [keep];
      this.tailLength = keep.length;
    }
  }

  get total(): number {
    return this.totalLength;
  }

  bytes(): CapturedBytes {
    const head = Buffer.concat(this.headChunks);
    const after = Buffer.concat(this.tailChunks);
    if (this.dropped === 0 && after.length <= this.tailLimit) {
      return { head: Buffer.concat([head, after]), tail: Buffer.alloc(0), omitted: 0, total: this.totalLength };
    }
    const tail = after.subarray(Math.max(0, after.length - this.tailLimit));
    return { head, tail, omitted: this.dropped + (after.length - tail.length), total: this.totalLength };
  }
}

/**
 * Head and tail as one text, cut at line ends so no half line is kept, with one marker line where bytes were left
 * out: `[... 52428800 bytes of output omitted ...]`.
 */
export function joinCapturedText(captured: CapturedBytes, decode: (bytes: Buffer) => string): { text: string; omitted: number } {
  if (captured.omitted === 0 && captured.tail.length === 0) return { text: decode(captured.head), omitted: 0 };
  const headEnd = captured.head.lastIndexOf(0x0a);
  const head = headEnd < 0 ? captured.head : captured.head.subarray(0, headEnd + 1);
  const tailStart = captured.tail.indexOf(0x0a);
  const tail = tailStart < 0 ? captured.tail : captured.tail.subarray(tailStart + 1);
  const omitted = captured.omitted + (captured.head.length - head.length) + (captured.tail.length - tail.length);
  return { text: `${decode(head)}${omittedMarker(omitted)}\r\n${decode(tail)}`, omitted };
}

export function omittedMarker(bytes: number): string {
  return `[... ${bytes} bytes of output omitted ...]`;
}
