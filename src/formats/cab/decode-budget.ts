import { BtsBackupError } from '../../errors/index.js';

/**
 * How many decoded bytes a package (and a run) may produce, shared by every cabinet it reads. A cabinet reserves what
 * its files declare before a byte is decoded, so a small file that asks for gigabytes (a decompression bomb: one inner
 * cabinet named by hundreds of resources, cabinets nested in cabinets, lying sizes) is refused at once, naming the
 * cabinet that asked for too much, and memory stays bounded by the budget whatever the input.
 */
export class DecodeBudget {
  private usedBytes = 0;

  /**
   * @param limit bytes this budget may hand out.
   * @param what names the budget in errors ("package x.msi", "this run").
   * @param parent a wider budget (the run's) that every reservation is charged to as well.
   */
  constructor(
    readonly limit: number,
    readonly what: string,
    private readonly parent?: DecodeBudget,
  ) {}

  get used(): number {
    return this.usedBytes;
  }

  get remaining(): number {
    return Math.max(0, this.limit - this.usedBytes);
  }

  /** Reserves `bytes` of output for `source` (a cabinet): E_INVALID_DATA naming it when the budget cannot hold them. */
  reserve(bytes: number, source: string): void {
    if (!Number.isFinite(bytes) || bytes < 0 || this.usedBytes + bytes > this.limit) {
      throw new BtsBackupError(
        'E_INVALID_DATA',
        `${source}: the cabinet asks for ${bytes} more bytes of decoded data than ${this.what} can hold (${this.usedBytes} of ${this.limit} already used); refusing to expand it.`,
        {
          target: source,
          hint: 'A BizTalk package expands to a few times its size. This one expands far more (a decompression bomb, or damage): check where the file came from, or export the application again.',
          details: { check: 'decode-budget', requested: bytes, used: this.usedBytes, limit: this.limit },
        },
      );
    }
    this.parent?.reserve(bytes, source);
    this.usedBytes += bytes;
  }
}

/** Any package may expand to this much, whatever its size (real BizTalk packages expand a few times their size). */
export const PACKAGE_DECODE_FLOOR = 256 * 1024 * 1024;
/** Beyond the floor a package may expand to this many times its own size ... */
export const PACKAGE_DECODE_RATIO = 64;
/** ... and never beyond this (the cabinet format's own ceiling for one reader's output). */
export const PACKAGE_DECODE_CEILING = 0x7fffffff;

/** The decode budget of one package of `packageBytes` bytes. */
export function packageDecodeLimit(packageBytes: number): number {
  return Math.min(PACKAGE_DECODE_CEILING, Math.max(PACKAGE_DECODE_FLOOR, packageBytes * PACKAGE_DECODE_RATIO));
}
