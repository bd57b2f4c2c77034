import { EXTRA_BITS, POSITION_BASE, POSITION_SLOTS } from './lzx-tables.js';
// LZX compression for cabinet folders (typeCompress 3 | windowBits << 8), the inverse of lzx-decoder.ts:
// - matches found through hash chains over 3-byte prefixes, with one step of lazy evaluation and a bounded
//   number of candidates per position (chainDepth), plus the three repeated offsets R0/R1/R2;
// - blocks of a few frames, each sent as verbatim, aligned or uncompressed, whichever is smallest (or laid out
//   by an explicit plan, which the tests use to cover every block type);
// - Huffman trees built per block from frequencies, length-limited, sent as pretree-coded deltas against the
//   previous block's;
// - optional Intel E8 call translation (what Microsoft's compressor does for executables);
// - 32 KiB frames, each ending on a 16-bit boundary and cut into its own CFDATA block.
// Pure: bytes in, CFDATA payloads out. cabextract (libmspack) and our own decoder are the judges in the tests.

export type LzxBlockType = 'verbatim' | 'aligned' | 'uncompressed';

export interface LzxEncodeOptions {
  /** Window size as a power of two, 15..21. */
  windowBits: number;
  /** Intel E8 translation size written in the stream header; 0 (the default) turns translation off. */
  e8TranslationSize?: number;
  /**
   * Block types and uncompressed sizes, used in turn (cycled) until the data ends. Without a plan, blocks of
   * `blockSize` bytes each take the cheapest of the three types.
   */
  blockPlan?: { type: LzxBlockType; size: number }[];
  /** Uncompressed bytes per block when there is no plan. Default 4 frames (128 KiB). */
  blockSize?: number;
  /** Hash-chain candidates tried per position: lower is faster and compresses less. Default 24. */
  chainDepth?: number;
  /** A match at least this long is taken without looking further (nice length). Default 64. */
  goodLength?: number;
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

/** One CFDATA payload and the uncompressed bytes it stands for. */
export interface LzxBlock {
  payload: Uint8Array;
  uncompressedSize: number;
}

export interface LzxEncoded {
  /** One CFDATA block per 32 KiB frame. */
  blocks: LzxBlock[];
  stats: LzxEncodeStats;
  /** The folder's typeCompress value. */
  compressionType: number;
}

export const LZX_MIN_WINDOW_BITS = 15;
export const LZX_MAX_WINDOW_BITS = 21;

const FRAME = 32768;
const NUM_CHARS = 256;
const MIN_MATCH = 2;
const MAX_MATCH = 257;
const LENGTH_SYMBOLS = 249;
/** Lazy evaluation only for matches shorter than this: longer ones are taken at once. */
const LAZY_LIMIT = 32;
/** A 3-byte match farther back than this costs more bits than three literals. */
const SHORT_MATCH_MAX_OFFSET = 16384;

/** Bits packed into 16-bit little-endian words, most significant bit first. */
class BitWriter {
  bytes = new Uint8Array(1 << 16);
  length = 0;
  private accumulator = 0;
  private bits = 0;

  private ensure(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  /** Writes the low `count` bits of `value` (count 0..32). */
  write(value: number, count: number): void {
    if (count > 16) {
      this.write(Math.floor(value / 65536) & 0xffff, count - 16);
      this.write(value & 0xffff, 16);
      return;
    }
    if (count === 0) return;
    this.accumulator = (this.accumulator << count) | (value & ((1 << count) - 1));
    this.bits += count;
    if (this.bits >= 16) {
      this.bits -= 16;
      const word = (this.accumulator >>> this.bits) & 0xffff;
      this.accumulator &= (1 << this.bits) - 1;
      this.ensure(2);
      this.bytes[this.length++] = word & 0xff;
      this.bytes[this.length++] = word >>> 8;
    }
  }

  /** Pads to the next 16-bit boundary (nothing when already there). */
  align(): void {
    if (this.bits > 0) this.write(0, 16 - this.bits);
  }

  /** The padding before an uncompressed block: 1 to 16 bits (16 when already aligned). */
  padBeforeUncompressed(): void {
    this.write(0, this.bits === 0 ? 16 : 16 - this.bits);
  }

  rawBytes(data: Uint8Array): void {
    if (this.bits !== 0) throw new RangeError('raw bytes must start on a word boundary');
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
export function huffmanLengths(frequencies: ArrayLike<number>, maxLength: number): Uint8Array {
  const n = frequencies.length;
  const lengths = new Uint8Array(n);
  let freqs = Array.from(frequencies);
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
    // Depths top-down: parents always come after their children.
    const depth = new Array<number>(weight.length).fill(0);
    for (let node = weight.length - 2; node >= 0; node--) depth[node] = depth[parent[node]!]! + 1;
    let longest = 0;
    leaves.forEach((leaf, index) => {
      lengths[leaf.symbol] = depth[index]!;
      longest = Math.max(longest, depth[index]!);
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

/** A block's tokens, one entry per literal or match, in typed arrays. */
interface Tokens {
  count: number;
  /** Main tree symbol: a literal byte, or 256 + slot * 8 + length header. */
  main: Uint16Array;
  /** Length tree symbol, or -1. */
  length: Int16Array;
  /** Position footer and its bit count (0 for repeats). */
  footer: Uint32Array;
  footerBits: Uint8Array;
  /** Uncompressed bytes covered. */
  size: Uint16Array;
}

function newTokens(capacity: number): Tokens {
  return {
    count: 0,
    main: new Uint16Array(capacity),
    length: new Int16Array(capacity),
    footer: new Uint32Array(capacity),
    footerBits: new Uint8Array(capacity),
    size: new Uint16Array(capacity),
  };
}

/** Compresses `input` as one LZX folder. Throws RangeError for a window outside 2^15..2^21. */
export function lzxCompress(input: Uint8Array, options: LzxEncodeOptions): LzxEncoded {
  const windowBits = options.windowBits;
  const slots = POSITION_SLOTS[windowBits];
  if (slots === undefined) throw new RangeError(`LZX window of 2^${windowBits}: must be 2^15 .. 2^21`);
  const windowSize = 2 ** windowBits;
  const maxOffset = windowSize - 3;
  const mainSymbols = NUM_CHARS + slots * 8;
  const plan = options.blockPlan;
  if (plan !== undefined && (plan.length === 0 || plan.some((step) => !(step.size > 0 && step.size < 1 << 24)))) {
    throw new RangeError('an LZX block plan needs steps of 1 .. 2^24-1 bytes');
  }
  const blockSize = options.blockSize ?? 4 * FRAME;
  if (!(blockSize > 0 && blockSize < 1 << 24)) throw new RangeError(`an LZX block of ${blockSize} bytes: must be 1 .. 2^24-1`);
  const chainDepth = Math.max(1, options.chainDepth ?? 24);
  const goodLength = Math.min(MAX_MATCH, Math.max(MIN_MATCH, options.goodLength ?? 64));
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

  // head[hash] is the latest position with that 3-byte prefix; chain[position] the one before it.
  // Enough buckets that chains hold mostly real 3-byte matches, not collisions, even in a 2 MiB window.
  const hashBits = Math.min(19, Math.max(15, windowBits - 2), Math.max(12, Math.ceil(Math.log2(total + 1))));
  const hashShift = 32 - hashBits;
  const head = new Int32Array(1 << hashBits).fill(-1);
  const chain = new Int32Array(Math.max(total, 1));
  let inserted = 0;
  const hashAt = (p: number): number => Math.imul((data[p]! << 16) | (data[p + 1]! << 8) | data[p + 2]!, 0x9e3779b1) >>> hashShift;
  const insertUpTo = (end: number): void => {
    const last = Math.min(end, total - 2);
    for (; inserted < last; inserted++) {
      const h = hashAt(inserted);
      chain[inserted] = head[h]!;
      head[h] = inserted;
    }
    if (inserted < end) inserted = end;
  };
  const matchLength = (p: number, offset: number, limit: number): number => {
    let length = 0;
    const from = p - offset;
    while (length < limit && data[p + length] === data[from + length]) length++;
    return length;
  };

  let r0 = 1;
  let r1 = 1;
  let r2 = 1;
  // The best match at a position: its length, offset and which repeat slot it uses (-1 for none).
  let foundLength = 0;
  let foundOffset = 0;
  let foundRepeat = -1;
  const findMatch = (p: number, limit: number): void => {
    foundLength = 0;
    foundOffset = 0;
    foundRepeat = -1;
    if (limit < MIN_MATCH) return;
    for (let r = 0; r < 3; r++) {
      const offset = r === 0 ? r0 : r === 1 ? r1 : r2;
      if (offset > p || offset > maxOffset) continue;
      const length = matchLength(p, offset, limit);
      if (length >= MIN_MATCH && length > foundLength) {
        foundLength = length;
        foundOffset = offset;
        foundRepeat = r;
      }
    }
    if (foundLength >= goodLength || limit < 3 || p + 2 >= total) return;
    let candidate = head[hashAt(p)]!;
    // Once a decent match is in hand, look at fewer candidates (zlib's good_length).
    const depthLimit = foundLength >= 16 ? chainDepth >> 2 : chainDepth;
    for (let depth = 0; candidate >= 0 && depth < depthLimit; depth++) {
      const offset = p - candidate;
      if (offset > maxOffset) break;
      if (offset > 0 && data[candidate + foundLength] === data[p + foundLength]) {
        const length = matchLength(p, offset, limit);
        // A repeat match is cheaper: leave it only for a clearly longer match.
        if (length > foundLength + (foundRepeat >= 0 ? 1 : 0) && (length > 3 || (length === 3 && offset <= SHORT_MATCH_MAX_OFFSET))) {
          foundLength = length;
          foundOffset = offset;
          foundRepeat = -1;
          if (length >= goodLength || length === limit) break;
        }
      }
      candidate = chain[candidate]!;
    }
  };

  const tokenize = (start: number, end: number): Tokens => {
    const tokens = newTokens(end - start);
    let p = start;
    const pushLiteral = (at: number): void => {
      const t = tokens.count++;
      tokens.main[t] = data[at]!;
      tokens.length[t] = -1;
      tokens.footerBits[t] = 0;
      tokens.size[t] = 1;
      stats.literals++;
    };
    // A match found at p - 1 that lazy evaluation held back, to compare with the one at p.
    let pendingLength = 0;
    let pendingOffset = 0;
    while (p < end) {
      insertUpTo(p);
      const frameEnd = Math.min((Math.floor(p / FRAME) + 1) * FRAME, total);
      const limit = Math.min(MAX_MATCH, end - p, frameEnd - p);
      let length: number;
      let offset: number;
      if (pendingLength > 0) {
        length = pendingLength;
        offset = pendingOffset;
        pendingLength = 0;
      } else {
        findMatch(p, limit);
        length = foundLength;
        offset = foundOffset;
        if (length >= MIN_MATCH && length < LAZY_LIMIT && p + 1 < end && p + 1 < frameEnd) {
          // One step of lazy evaluation: a literal now and a longer match next is often cheaper.
          insertUpTo(p + 1);
          findMatch(p + 1, Math.min(MAX_MATCH, end - p - 1, frameEnd - p - 1));
          if (foundLength > length + (offset === r0 || offset === r1 || offset === r2 ? 1 : 0)) {
            pushLiteral(p);
            p++;
            pendingLength = foundLength;
            pendingOffset = foundOffset;
            continue;
          }
        }
      }
      if (length < MIN_MATCH) {
        pushLiteral(p);
        p++;
        continue;
      }
      let slot: number;
      let footer = 0;
      let footerBits = 0;
      if (offset === r0) {
        slot = 0;
      } else if (offset === r1) {
        slot = 1;
        r1 = r0;
        r0 = offset;
      } else if (offset === r2) {
        slot = 2;
        r2 = r0;
        r0 = offset;
      } else {
        const formatted = offset + 2;
        slot = 3;
        while (slot + 1 < slots && POSITION_BASE[slot + 1]! <= formatted) slot++;
        footer = formatted - POSITION_BASE[slot]!;
        footerBits = EXTRA_BITS[slot]!;
        r2 = r1;
        r1 = r0;
        r0 = offset;
        if (offset > stats.longestOffset) stats.longestOffset = offset;
      }
      if (slot < 3) stats.repeatMatches[slot as 0 | 1 | 2]++;
      stats.matches++;
      const lengthHeader = Math.min(length - MIN_MATCH, 7);
      const t = tokens.count++;
      tokens.main[t] = NUM_CHARS + slot * 8 + lengthHeader;
      tokens.length[t] = lengthHeader === 7 ? length - MIN_MATCH - 7 : -1;
      tokens.footer[t] = footer;
      tokens.footerBits[t] = footerBits;
      tokens.size[t] = length;
      p += length;
    }
    insertUpTo(end);
    return tokens;
  };

  const writer = new BitWriter();
  const cfdata: LzxBlock[] = [];
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

  const writeUncompressed = (pos: number, size: number): void => {
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
  };

  let pos = 0;
  let planIndex = 0;
  while (pos < total) {
    const step = plan === undefined ? undefined : plan[planIndex++ % plan.length]!;
    const size = Math.min(step?.size ?? blockSize, total - pos);
    let type: LzxBlockType;
    if (step?.type === 'uncompressed') {
      insertUpTo(pos + size);
      type = 'uncompressed';
    } else {
      const tokens = tokenize(pos, pos + size);
      const mainFreq = new Uint32Array(mainSymbols);
      const lengthFreq = new Uint32Array(LENGTH_SYMBOLS);
      const alignedFreq = new Uint32Array(8);
      for (let t = 0; t < tokens.count; t++) {
        mainFreq[tokens.main[t]!]!++;
        if (tokens.length[t]! >= 0) lengthFreq[tokens.length[t]!]!++;
        if (tokens.footerBits[t]! >= 3) alignedFreq[tokens.footer[t]! & 7]!++;
      }
      const mainLengths = huffmanLengths(mainFreq, 16);
      const lengthLengths = huffmanLengths(lengthFreq, 16);
      // Never an empty aligned tree: give every symbol a code if none is used.
      const alignedLengths = alignedFreq.some((f) => f > 0) ? huffmanLengths(alignedFreq, 7) : new Uint8Array(8).fill(3);
      if (step !== undefined) {
        type = step.type;
      } else {
        // Bits each block type would take; the trees cost about the same in both compressed types.
        let common = 0;
        for (let s = 0; s < mainSymbols; s++) common += mainFreq[s]! * mainLengths[s]!;
        for (let s = 0; s < LENGTH_SYMBOLS; s++) common += lengthFreq[s]! * lengthLengths[s]!;
        let verbatimFooters = 0;
        let alignedFooters = 24;
        for (let t = 0; t < tokens.count; t++) {
          const bits = tokens.footerBits[t]!;
          verbatimFooters += bits;
          alignedFooters += bits >= 3 ? bits - 3 + alignedLengths[tokens.footer[t]! & 7]! : bits;
        }
        const treeEstimate = 3 * (mainSymbols + LENGTH_SYMBOLS) + 240;
        const verbatimBits = common + verbatimFooters + treeEstimate;
        const alignedBits = common + alignedFooters + treeEstimate;
        const uncompressedBits = 8 * (size + 12 + (size & 1)) + 16;
        type = uncompressedBits < Math.min(verbatimBits, alignedBits) ? 'uncompressed' : alignedBits < verbatimBits ? 'aligned' : 'verbatim';
      }
      if (type !== 'uncompressed') {
        stats.blocks[type]++;
        const aligned = type === 'aligned';
        writer.write(aligned ? 2 : 1, 3);
        writer.write(size >>> 8, 16);
        writer.write(size & 0xff, 8);
        if (lengthLengths.every((length) => length === 0)) stats.emptyLengthTrees++;
        if (aligned) for (let i = 0; i < 8; i++) writer.write(alignedLengths[i]!, 3);
        writeTreeRange(writer, mainLengths, prevMain, 0, NUM_CHARS, stats);
        writeTreeRange(writer, mainLengths, prevMain, NUM_CHARS, mainSymbols, stats);
        writeTreeRange(writer, lengthLengths, prevLength, 0, LENGTH_SYMBOLS, stats);
        const mainCodes = canonicalCodes(mainLengths);
        const lengthCodes = canonicalCodes(lengthLengths);
        const alignedCodes = canonicalCodes(alignedLengths);
        let p = pos;
        for (let t = 0; t < tokens.count; t++) {
          const main = tokens.main[t]!;
          writer.write(mainCodes[main]!, mainLengths[main]!);
          const length = tokens.length[t]!;
          if (length >= 0) writer.write(lengthCodes[length]!, lengthLengths[length]!);
          const footerBits = tokens.footerBits[t]!;
          if (footerBits > 0) {
            const footer = tokens.footer[t]!;
            if (aligned && footerBits >= 3) {
              if (footerBits > 3) writer.write(footer >>> 3, footerBits - 3);
              writer.write(alignedCodes[footer & 7]!, alignedLengths[footer & 7]!);
              stats.alignedSymbols++;
            } else {
              writer.write(footer, footerBits);
            }
          }
          p += tokens.size[t]!;
          endFrameIfDone(p);
        }
        pos += size;
        continue;
      }
    }
    stats.blocks.uncompressed++;
    writer.write(3, 3);
    writer.write(size >>> 8, 16);
    writer.write(size & 0xff, 8);
    writeUncompressed(pos, size);
    pos += size;
  }
  return { blocks: cfdata, stats, compressionType: 3 | (windowBits << 8) };
}
