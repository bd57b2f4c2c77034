// A TEST-ONLY LZX compressor producing cabinet LZX streams: greedy hash-chain matching, repeated offsets
// R0/R1/R2, verbatim/aligned/uncompressed blocks laid out by a plan, Huffman trees built per block from
// frequencies (length-limited, sent as pretree-coded deltas against the previous block's), Intel E8
// translation, 32 KiB frames each ending on a 16-bit boundary and cut into its own CFDATA block.
// Ratio is not a goal; covering the format is. cabextract is the judge that its output is valid LZX.
import type { BuilderBlock } from '../../../tests/support/cab-builder.js';

export type LzxBlockType = 'verbatim' | 'aligned' | 'uncompressed';

export interface LzxEncodeOptions {
  windowBits: number;
  /** Intel E8 translation size written in the stream header; 0 turns translation off. */
  e8TranslationSize?: number;
  /** Block types and uncompressed sizes, used in turn (cycled) until the data ends. */
  blockPlan?: { type: LzxBlockType; size: number }[];
  /** Hash-chain depth: lower is faster and compresses less. */
  chainDepth?: number;
}

export interface LzxEncodeStats {
  blocks: Record<LzxBlockType, number>;
  literals: number;
  matches: number;
  repeatMatches: [number, number, number];
  alignedSymbols: number;
  longestOffset: number;
  emptyLengthTrees: number;
  e8Translated: number;
  frames: number;
  pretreeRuns: { zeros17: number; zeros18: number; same19: number };
}

export interface LzxEncoded {
  /** One CFDATA block per 32 KiB frame. */
  blocks: BuilderBlock[];
  stats: LzxEncodeStats;
  /** The folder's typeCompress value. */
  compressionType: number;
}

const FRAME = 32768;
const NUM_CHARS = 256;
const MIN_MATCH = 2;
const MAX_MATCH = 257;
const LENGTH_SYMBOLS = 249;
const POSITION_SLOTS: Record<number, number> = { 15: 30, 16: 32, 17: 34, 18: 36, 19: 38, 20: 42, 21: 50 };
const EXTRA_BITS: number[] = [];
const POSITION_BASE: number[] = [];
{
  let base = 0;
  for (let slot = 0; slot < 51; slot++) {
    const extra = slot < 4 ? 0 : Math.min((slot - 2) >> 1, 17);
    EXTRA_BITS.push(extra);
    POSITION_BASE.push(base);
    base += 2 ** extra;
  }
}

class BitWriter {
  bytes = new Uint8Array(1 << 16);
  length = 0;
  private pending = 0;
  private pendingBits = 0;

  private ensure(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  write(value: number, count: number): void {
    if (count > 16) {
      this.write(Math.floor(value / 65536), count - 16);
      this.write(value & 0xffff, 16);
      return;
    }
    for (let bit = count - 1; bit >= 0; bit--) {
      this.pending = (this.pending << 1) | ((value >>> bit) & 1);
      if (++this.pendingBits === 16) this.flushWord();
    }
  }

  private flushWord(): void {
    this.ensure(2);
    this.bytes[this.length++] = this.pending & 0xff;
    this.bytes[this.length++] = (this.pending >>> 8) & 0xff;
    this.pending = 0;
    this.pendingBits = 0;
  }

  /** Pads to the next 16-bit boundary (nothing when already there). */
  align(): void {
    if (this.pendingBits > 0) this.write(0, 16 - this.pendingBits);
  }

  /** The padding before an uncompressed block: 1 to 16 bits (16 when already aligned). */
  padBeforeUncompressed(): void {
    this.write(0, this.pendingBits === 0 ? 16 : 16 - this.pendingBits);
  }

  rawBytes(data: Uint8Array): void {
    if (this.pendingBits !== 0) throw new Error('raw bytes must start on a word boundary');
    this.ensure(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }
}

/** Forward Intel E8 translation, frame by frame, exactly mirroring what the decoder undoes. */
function translateE8(data: Uint8Array, translationSize: number): { data: Uint8Array; translated: number } {
  const out = data.slice();
  let translated = 0;
  for (let frameStart = 0, frame = 0; frameStart < out.length && frame < 32768; frameStart += FRAME, frame++) {
    const frameSize = Math.min(FRAME, out.length - frameStart);
    if (frameSize <= 10) continue;
    const end = frameStart + frameSize - 10;
    let pos = frameStart;
    while (pos < end) {
      if (out[pos] !== 0xe8) {
        pos++;
        continue;
      }
      const value = out[pos + 1]! | (out[pos + 2]! << 8) | (out[pos + 3]! << 16) | (out[pos + 4]! << 24);
      if (value >= -pos && value < translationSize) {
        const absolute = value < translationSize - pos ? value + pos : value - translationSize;
        out[pos + 1] = absolute & 0xff;
        out[pos + 2] = (absolute >>> 8) & 0xff;
        out[pos + 3] = (absolute >>> 16) & 0xff;
        out[pos + 4] = (absolute >>> 24) & 0xff;
        translated++;
      }
      pos += 5;
    }
  }
  return { data: out, translated };
}

/** Huffman code lengths limited to `maxLength`; at least two symbols get codes whenever any is used. */
export function huffmanLengths(frequencies: number[], maxLength: number): Uint8Array {
  const n = frequencies.length;
  const lengths = new Uint8Array(n);
  let freqs = frequencies.slice();
  const used = freqs.filter((f) => f > 0).length;
  if (used === 0) return lengths;
  if (used === 1) {
    const other = freqs[0]! > 0 ? 1 : 0;
    freqs[other] = 1;
  }
  for (;;) {
    const leaves = freqs.map((f, symbol) => ({ f, symbol })).filter((leaf) => leaf.f > 0).sort((a, b) => a.f - b.f || a.symbol - b.symbol);
    // Two-queue Huffman construction; parent links give depths.
    const weight: number[] = leaves.map((leaf) => leaf.f);
    const parent: number[] = leaves.map(() => -1);
    const internal: number[] = [];
    let leafIndex = 0;
    let internalIndex = 0;
    const pick = (): number => {
      if (internalIndex >= internal.length || (leafIndex < leaves.length && weight[leafIndex]! <= weight[internal[internalIndex]!]!)) return leafIndex++;
      return internal[internalIndex++]!;
    };
    for (let merges = 0; merges < leaves.length - 1; merges++) {
      const a = pick();
      const b = pick();
      const node = weight.length;
      weight.push(weight[a]! + weight[b]!);
      parent.push(-1);
      parent[a] = node;
      parent[b] = node;
      internal.push(node);
    }
    let longest = 0;
    leaves.forEach((leaf, index) => {
      let depth = 0;
      for (let node = index; parent[node] !== -1; node = parent[node]!) depth++;
      lengths[leaf.symbol] = depth;
      longest = Math.max(longest, depth);
    });
    if (longest <= maxLength) return lengths;
    freqs = freqs.map((f) => (f > 0 ? Math.max(1, f >> 1) : 0));
    lengths.fill(0);
  }
}

function canonicalCodes(lengths: Uint8Array): Uint32Array {
  const codes = new Uint32Array(lengths.length);
  let code = 0;
  for (let length = 1; length <= 16; length++) {
    for (let symbol = 0; symbol < lengths.length; symbol++) {
      if (lengths[symbol] === length) codes[symbol] = code++;
    }
    code <<= 1;
  }
  return codes;
}

/** Writes lengths[first..last) as pretree-coded deltas against prev, then updates prev. */
function writeTreeRange(writer: BitWriter, lengths: Uint8Array, prev: Uint8Array, first: number, last: number, stats: LzxEncodeStats): void {
  const ops: { symbol: number; extraBits: number; extraValue: number; then?: number }[] = [];
  let x = first;
  while (x < last) {
    const value = lengths[x]!;
    let run = 1;
    while (x + run < last && lengths[x + run] === value) run++;
    if (value === 0 && run >= 20) {
      const count = Math.min(run, 51);
      ops.push({ symbol: 18, extraBits: 5, extraValue: count - 20 });
      stats.pretreeRuns.zeros18++;
      x += count;
    } else if (value === 0 && run >= 4) {
      const count = Math.min(run, 19);
      ops.push({ symbol: 17, extraBits: 4, extraValue: count - 4 });
      stats.pretreeRuns.zeros17++;
      x += count;
    } else if (run >= 4) {
      const count = Math.min(run, 5);
      ops.push({ symbol: 19, extraBits: 1, extraValue: count - 4, then: (prev[x]! - value + 17) % 17 });
      stats.pretreeRuns.same19++;
      x += count;
    } else {
      ops.push({ symbol: (prev[x]! - value + 17) % 17, extraBits: 0, extraValue: 0 });
      x++;
    }
  }
  const frequencies = new Array<number>(20).fill(0);
  for (const op of ops) {
    frequencies[op.symbol]!++;
    if (op.then !== undefined) frequencies[op.then]!++;
  }
  const pretreeLengths = huffmanLengths(frequencies, 15);
  const codes = canonicalCodes(pretreeLengths);
  for (let i = 0; i < 20; i++) writer.write(pretreeLengths[i]!, 4);
  for (const op of ops) {
    writer.write(codes[op.symbol]!, pretreeLengths[op.symbol]!);
    if (op.extraBits > 0) writer.write(op.extraValue, op.extraBits);
    if (op.then !== undefined) writer.write(codes[op.then]!, pretreeLengths[op.then]!);
  }
  for (let i = first; i < last; i++) prev[i] = lengths[i]!;
}

interface Token {
  /** Main tree symbol (a literal byte, or 256 + slot * 8 + length header). */
  main: number;
  /** Length tree symbol, or -1. */
  length: number;
  /** Position footer and its bit count (0 for repeats). */
  footer: number;
  footerBits: number;
  /** Covered uncompressed bytes. */
  size: number;
}

export function lzxCompress(input: Uint8Array, options: LzxEncodeOptions): LzxEncoded {
  const windowBits = options.windowBits;
  const slots = POSITION_SLOTS[windowBits];
  if (slots === undefined) throw new Error(`bad window bits ${windowBits}`);
  const windowSize = 2 ** windowBits;
  const maxOffset = windowSize - 3;
  const mainSymbols = NUM_CHARS + slots * 8;
  const plan = options.blockPlan ?? [{ type: 'verbatim', size: 3 * FRAME }, { type: 'aligned', size: 2 * FRAME + 1000 }];
  const chainDepth = options.chainDepth ?? 24;
  const translationSize = options.e8TranslationSize ?? 0;
  const stats: LzxEncodeStats = {
    blocks: { verbatim: 0, aligned: 0, uncompressed: 0 },
    literals: 0,
    matches: 0,
    repeatMatches: [0, 0, 0],
    alignedSymbols: 0,
    longestOffset: 0,
    emptyLengthTrees: 0,
    e8Translated: 0,
    frames: 0,
    pretreeRuns: { zeros17: 0, zeros18: 0, same19: 0 },
  };
  let data = input;
  if (translationSize !== 0) {
    const translated = translateE8(input, translationSize);
    data = translated.data;
    stats.e8Translated = translated.translated;
  }
  const total = data.length;

  const head = new Int32Array(1 << 16).fill(-1);
  const chain = new Int32Array(Math.max(total, 1));
  let inserted = 0;
  const hashAt = (p: number): number => ((data[p]! << 8) ^ (data[p + 1]! << 4) ^ data[p + 2]! ^ (data[p + 1]! * 31 + data[p + 2]! * 131)) & 0xffff;
  const insertUpTo = (end: number): void => {
    for (; inserted < end && inserted + 2 < total; inserted++) {
      const h = hashAt(inserted);
      chain[inserted] = head[h]!;
      head[h] = inserted;
    }
    if (inserted < end) inserted = end;
  };
  const matchLength = (p: number, offset: number, limit: number): number => {
    let length = 0;
    while (length < limit && data[p + length] === data[p + length - offset]) length++;
    return length;
  };

  let r0 = 1;
  let r1 = 1;
  let r2 = 1;
  const tokenize = (start: number, end: number): Token[] => {
    const tokens: Token[] = [];
    let p = start;
    while (p < end) {
      insertUpTo(p);
      const frameEnd = Math.min((Math.floor(p / FRAME) + 1) * FRAME, total);
      const limit = Math.min(MAX_MATCH, end - p, frameEnd - p);
      let bestLength = 0;
      let bestOffset = 0;
      let bestRepeat = -1;
      if (limit >= MIN_MATCH) {
        const repeats = [r0, r1, r2];
        for (let r = 0; r < 3; r++) {
          const offset = repeats[r]!;
          if (offset > p || offset > maxOffset) continue;
          const length = matchLength(p, offset, limit);
          if (length >= MIN_MATCH && length > bestLength) {
            bestLength = length;
            bestOffset = offset;
            bestRepeat = r;
          }
        }
        if (limit >= 3 && p + 2 < total) {
          let candidate = head[hashAt(p)]!;
          for (let depth = 0; candidate >= 0 && depth < chainDepth; depth++) {
            const offset = p - candidate;
            if (offset > maxOffset) break;
            if (offset > 0) {
              const length = matchLength(p, offset, limit);
              // A repeat match is cheaper: only leave it for a clearly longer match.
              if (length >= 3 && length > bestLength + (bestRepeat >= 0 ? 1 : 0)) {
                bestLength = length;
                bestOffset = offset;
                bestRepeat = -1;
                if (length === limit) break;
              }
            }
            candidate = chain[candidate]!;
          }
        }
      }
      if (bestLength < MIN_MATCH) {
        tokens.push({ main: data[p]!, length: -1, footer: 0, footerBits: 0, size: 1 });
        stats.literals++;
        p++;
        continue;
      }
      let slot: number;
      let footer = 0;
      let footerBits = 0;
      if (bestOffset === r0) {
        slot = 0;
      } else if (bestOffset === r1) {
        slot = 1;
        r1 = r0;
        r0 = bestOffset;
      } else if (bestOffset === r2) {
        slot = 2;
        r2 = r0;
        r0 = bestOffset;
      } else {
        const formatted = bestOffset + 2;
        slot = 3;
        while (slot + 1 < slots && POSITION_BASE[slot + 1]! <= formatted) slot++;
        footer = formatted - POSITION_BASE[slot]!;
        footerBits = EXTRA_BITS[slot]!;
        r2 = r1;
        r1 = r0;
        r0 = bestOffset;
        stats.longestOffset = Math.max(stats.longestOffset, bestOffset);
      }
      if (slot < 3) stats.repeatMatches[slot as 0 | 1 | 2]++;
      stats.matches++;
      const lengthHeader = Math.min(bestLength - MIN_MATCH, 7);
      tokens.push({
        main: NUM_CHARS + slot * 8 + lengthHeader,
        length: lengthHeader === 7 ? bestLength - MIN_MATCH - 7 : -1,
        footer,
        footerBits,
        size: bestLength,
      });
      p += bestLength;
    }
    insertUpTo(end);
    return tokens;
  };

  const writer = new BitWriter();
  const cfdata: BuilderBlock[] = [];
  let cutAt = 0;
  let frameEnd = Math.min(FRAME, total);
  const endFrameIfDone = (pos: number): void => {
    if (pos !== frameEnd || total === 0) return;
    writer.align();
    cfdata.push({ payload: writer.bytes.slice(cutAt, writer.length), uncompressedSize: frameEnd - (Math.ceil(frameEnd / FRAME) - 1) * FRAME });
    stats.frames++;
    cutAt = writer.length;
    frameEnd = Math.min(frameEnd + FRAME, total);
  };

  const prevMain = new Uint8Array(mainSymbols);
  const prevLength = new Uint8Array(LENGTH_SYMBOLS);
  if (translationSize !== 0) {
    writer.write(1, 1);
    writer.write(Math.floor(translationSize / 65536), 16);
    writer.write(translationSize & 0xffff, 16);
  } else {
    writer.write(0, 1);
  }
  let blockAlignedLengths: Uint8Array = new Uint8Array(8).fill(3);
  let pos = 0;
  let planIndex = 0;
  while (pos < total) {
    const step = plan[planIndex++ % plan.length]!;
    const size = Math.min(step.size, total - pos);
    const typeCode = step.type === 'verbatim' ? 1 : step.type === 'aligned' ? 2 : 3;
    stats.blocks[step.type]++;
    writer.write(typeCode, 3);
    writer.write(size >>> 8, 16);
    writer.write(size & 0xff, 8);
    if (step.type === 'uncompressed') {
      writer.padBeforeUncompressed();
      const header = new Uint8Array(12);
      const view = new DataView(header.buffer);
      view.setUint32(0, r0, true);
      view.setUint32(4, r1, true);
      view.setUint32(8, r2, true);
      writer.rawBytes(header);
      let p = pos;
      while (p < pos + size) {
        const chunkEnd = Math.min(pos + size, frameEnd);
        writer.rawBytes(data.subarray(p, chunkEnd));
        p = chunkEnd;
        if (p === pos + size && (size & 1) === 1) writer.rawBytes(new Uint8Array(1));
        endFrameIfDone(p);
      }
      insertUpTo(pos + size);
      pos += size;
      continue;
    }
    const tokens = tokenize(pos, pos + size);
    const mainFreq = new Array<number>(mainSymbols).fill(0);
    const lengthFreq = new Array<number>(LENGTH_SYMBOLS).fill(0);
    const alignedFreq = new Array<number>(8).fill(0);
    const aligned = step.type === 'aligned';
    for (const token of tokens) {
      mainFreq[token.main]!++;
      if (token.length >= 0) lengthFreq[token.length]!++;
      if (aligned && token.footerBits >= 3) alignedFreq[token.footer & 7]!++;
    }
    const mainLengths = huffmanLengths(mainFreq, 16);
    const lengthLengths = huffmanLengths(lengthFreq, 16);
    if (lengthLengths.every((length) => length === 0)) stats.emptyLengthTrees++;
    if (aligned) {
      // Never an empty aligned tree: give every symbol a code if none is used.
      const alignedLengths = alignedFreq.some((f) => f > 0) ? huffmanLengths(alignedFreq, 7) : new Uint8Array(8).fill(3);
      for (let i = 0; i < 8; i++) writer.write(alignedLengths[i]!, 3);
      blockAlignedLengths = alignedLengths;
    }
    writeTreeRange(writer, mainLengths, prevMain, 0, NUM_CHARS, stats);
    writeTreeRange(writer, mainLengths, prevMain, NUM_CHARS, mainSymbols, stats);
    writeTreeRange(writer, lengthLengths, prevLength, 0, LENGTH_SYMBOLS, stats);
    const mainCodes = canonicalCodes(mainLengths);
    const lengthCodes = canonicalCodes(lengthLengths);
    const alignedLengths = blockAlignedLengths;
    const alignedCodes = canonicalCodes(alignedLengths);
    let p = pos;
    for (const token of tokens) {
      writer.write(mainCodes[token.main]!, mainLengths[token.main]!);
      if (token.length >= 0) writer.write(lengthCodes[token.length]!, lengthLengths[token.length]!);
      if (token.footerBits > 0) {
        if (aligned && token.footerBits >= 3) {
          if (token.footerBits > 3) writer.write(token.footer >>> 3, token.footerBits - 3);
          writer.write(alignedCodes[token.footer & 7]!, alignedLengths[token.footer & 7]!);
          stats.alignedSymbols++;
        } else {
          writer.write(token.footer, token.footerBits);
        }
      }
      p += token.size;
      endFrameIfDone(p);
    }
    pos += size;
  }
  return { blocks: cfdata, stats, compressionType: 3 | (windowBits << 8) };
}
