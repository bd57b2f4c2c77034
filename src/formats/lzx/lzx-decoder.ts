import { BtsBackupError } from '../../errors/index.js';
import { EXTRA_BITS, POSITION_BASE, POSITION_SLOTS } from './lzx-tables.js';

/**
 * LZX decompression as used in cabinets (folder compression type 3), written from the published format
 * description (the cabinet LZX documentation and [MS-PATCH] "LZX DELTA"), with libmspack's observable behaviour
 * as the reference for corner cases:
 * - the input is the concatenation of a folder's CFDATA payloads, read as 16-bit little-endian words, bits
 *   taken most significant first;
 * - output comes in 32 KiB frames; the bit stream is realigned to 16 bits after each frame;
 * - the stream starts with the Intel E8 header (1 bit, then a 32-bit translation size as two 16-bit halves);
 * - blocks: 3-bit type, 24-bit size; verbatim (main + length trees), aligned (aligned tree first) and
 *   uncompressed (padding to 16 bits, R0..R2 as 32-bit words, raw bytes, a pad byte after odd sizes);
 * - tree lengths are sent as deltas against the previous block's, through a 20-symbol pretree;
 * - a match may not cross the end of a frame or block, nor reach before the start of the folder.
 * State starts fresh for every folder (every call).
 */
export const LZX_FRAME_SIZE = 32768;

const NUM_CHARS = 256;
const NUM_PRIMARY_LENGTHS = 7;
const MIN_MATCH = 2;
const PRETREE_SYMBOLS = 20;
const LENGTH_SYMBOLS = 249;
const ALIGNED_SYMBOLS = 8;
const MAX_CODE_LENGTH = 16;
/** Zero runs in the pretree coding may write past the end of a tree's range; the format tolerates that. */
const LENGTH_SAFETY = 64;
const E8_FRAME_LIMIT = 32768;

const BLOCK_VERBATIM = 1;
const BLOCK_ALIGNED = 2;
const BLOCK_UNCOMPRESSED = 3;


interface HuffmanTable {
  /** Symbol for every `maxLength`-bit prefix; 0xffff where no code matches. */
  table: Uint16Array;
  maxLength: number;
  lengths: Uint8Array;
  empty: boolean;
}

/**
 * Decodes `wantLength` bytes (whole frames, or up to `totalLength`) of one LZX folder.
 * `totalLength` is the folder's full uncompressed size: it fixes where the last frame ends.
 */
export function decodeLzxFolder(input: Uint8Array, windowBits: number, totalLength: number, wantLength: number, source: string): Uint8Array {
  const positionSlots = POSITION_SLOTS[windowBits];
  if (positionSlots === undefined) throw corrupt(source, `LZX window size 2^${windowBits} is not valid`);
  const windowSize = 1 << windowBits;
  const windowMask = windowSize - 1;
  const window = new Uint8Array(windowSize);
  const mainSymbols = NUM_CHARS + positionSlots * 8;
  const mainLengths = new Uint8Array(mainSymbols + LENGTH_SAFETY);
  const lengthLengths = new Uint8Array(LENGTH_SYMBOLS + LENGTH_SAFETY);
  const inputLength = input.length;

  let output = new Uint8Array(Math.min(wantLength, 1 << 20));

  // Bit reader state: `bitBuffer` holds `bitCount` unread bits in its low end, oldest first.
  let inPos = 0;
  let bitBuffer = 0;
  let bitCount = 0;

  const fill = (): void => {
    // Past the end of the input we read zeros, as a decoder must be allowed to peek; consuming them is checked later.
    const lo = inPos < inputLength ? input[inPos]! : 0;
    const hi = inPos + 1 < inputLength ? input[inPos + 1]! : 0;
    inPos += 2;
    bitBuffer = ((bitBuffer << 16) | (hi << 8) | lo) >>> 0;
    bitCount += 16;
  };
  const checkOverrun = (): void => {
    if (inPos * 8 - bitCount > inputLength * 8 + 16) throw corrupt(source, 'the LZX stream ends early');
  };
  const readBits = (count: number): number => {
    if (count === 0) return 0;
    if (count > 16) {
      const high = readBits(count - 16);
      return high * 65536 + readBits(16);
    }
    while (bitCount < count) fill();
    bitCount -= count;
    return (bitBuffer >>> bitCount) & ((1 << count) - 1);
  };
  const decodeSymbol = (tree: HuffmanTable): number => {
    if (tree.empty) throw corrupt(source, 'the LZX stream uses an empty Huffman tree');
    while (bitCount < MAX_CODE_LENGTH) fill();
    const symbol = tree.table[(bitBuffer >>> (bitCount - tree.maxLength)) & ((1 << tree.maxLength) - 1)]!;
    if (symbol === 0xffff) throw corrupt(source, 'the LZX stream holds an invalid Huffman code');
    bitCount -= tree.lengths[symbol]!;
    return symbol;
  };

  const readLengths = (lengths: Uint8Array, first: number, last: number): void => {
    const pretreeLengths = new Uint8Array(PRETREE_SYMBOLS);
    for (let i = 0; i < PRETREE_SYMBOLS; i++) pretreeLengths[i] = readBits(4);
    const pretree = buildTable(pretreeLengths, PRETREE_SYMBOLS, source);
    let x = first;
    while (x < last) {
      const code = decodeSymbol(pretree);
      if (code === 17) {
        let run = readBits(4) + 4;
        while (run-- > 0) lengths[x++] = 0;
      } else if (code === 18) {
        let run = readBits(5) + 20;
        while (run-- > 0) lengths[x++] = 0;
      } else if (code === 19) {
        let run = readBits(1) + 4;
        const delta = decodeSymbol(pretree);
        if (delta > 16) throw corrupt(source, 'the LZX pretree repeats an invalid length');
        const value = (lengths[x]! - delta + 17) % 17;
        while (run-- > 0) lengths[x++] = value;
      } else {
        lengths[x] = (lengths[x]! - code + 17) % 17;
        x++;
      }
    }
    checkOverrun();
  };

  let intelFileSize = 0;
  let headerRead = false;
  let blockType = 0;
  let blockLength = 0;
  let blockRemaining = 0;
  let r0 = 1;
  let r1 = 1;
  let r2 = 1;
  let mainTree: HuffmanTable | undefined;
  let lengthTree: HuffmanTable | undefined;
  let alignedTree: HuffmanTable | undefined;
  let produced = 0;

  const readBlockHeader = (): void => {
    if (blockType === BLOCK_UNCOMPRESSED) {
      if ((blockLength & 1) !== 0) inPos++;
      bitBuffer = 0;
      bitCount = 0;
    }
    blockType = readBits(3);
    blockLength = readBits(16) * 256 + readBits(8);
    blockRemaining = blockLength;
    switch (blockType) {
      case BLOCK_ALIGNED:
      case BLOCK_VERBATIM:
        if (blockType === BLOCK_ALIGNED) {
          const alignedLengths = new Uint8Array(ALIGNED_SYMBOLS);
          for (let i = 0; i < ALIGNED_SYMBOLS; i++) alignedLengths[i] = readBits(3);
          alignedTree = buildTable(alignedLengths, ALIGNED_SYMBOLS, source);
        }
        readLengths(mainLengths, 0, NUM_CHARS);
        readLengths(mainLengths, NUM_CHARS, mainSymbols);
        mainTree = buildTable(mainLengths, mainSymbols, source);
        if (mainTree.empty) throw corrupt(source, 'an LZX block has an empty main tree');
        readLengths(lengthLengths, 0, LENGTH_SYMBOLS);
        lengthTree = buildTable(lengthLengths, LENGTH_SYMBOLS, source);
        break;
      case BLOCK_UNCOMPRESSED: {
        // Realign to 16 bits: 1 to 16 bits of padding (16 when already aligned).
        const consumed = inPos * 8 - bitCount;
        inPos = (consumed % 16 !== 0 ? consumed + 16 - (consumed % 16) : consumed + 16) / 8;
        bitBuffer = 0;
        bitCount = 0;
        if (inPos + 12 > inputLength) throw corrupt(source, 'the LZX stream ends inside an uncompressed block header');
        r0 = readUint32(input, inPos);
        r1 = readUint32(input, inPos + 4);
        r2 = readUint32(input, inPos + 8);
        inPos += 12;
        break;
      }
      default:
        throw corrupt(source, `the LZX stream has a block of unknown type ${blockType}`);
    }
    checkOverrun();
  };

  const ensureOutput = (length: number): void => {
    if (length <= output.length) return;
    const grown = new Uint8Array(Math.min(wantLength, Math.max(length, output.length * 2)));
    grown.set(output);
    output = grown;
  };

  let frame = 0;
  while (produced < wantLength) {
    if (!headerRead) {
      if (readBits(1) === 1) intelFileSize = readBits(16) * 65536 + readBits(16);
      headerRead = true;
    }
    const frameStart = produced;
    const frameSize = Math.min(LZX_FRAME_SIZE, totalLength - frameStart);
    let windowPos = frameStart & windowMask;
    let left = frameSize;
    while (left > 0) {
      if (blockRemaining === 0) readBlockHeader();
      let run = Math.min(blockRemaining, left);
      blockRemaining -= run;
      left -= run;
      if (blockType === BLOCK_UNCOMPRESSED) {
        if (inPos + run > inputLength) throw corrupt(source, 'the LZX stream ends inside an uncompressed block');
        window.set(input.subarray(inPos, inPos + run), windowPos);
        inPos += run;
        windowPos += run;
        produced += run;
        continue;
      }
      const main = mainTree!;
      const mainTable = main.table;
      const mainShift = main.maxLength;
      const mainMask = (1 << mainShift) - 1;
      const mainLens = main.lengths;
      const aligned = blockType === BLOCK_ALIGNED;
      while (run > 0) {
        // Main symbol, decoded inline: it is the hot path.
        while (bitCount < MAX_CODE_LENGTH) fill();
        const symbol = mainTable[(bitBuffer >>> (bitCount - mainShift)) & mainMask]!;
        if (symbol === 0xffff) throw corrupt(source, 'the LZX stream holds an invalid Huffman code');
        bitCount -= mainLens[symbol]!;
        if (symbol < NUM_CHARS) {
          window[windowPos++] = symbol;
          run--;
          produced++;
          continue;
        }
        const element = symbol - NUM_CHARS;
        let matchLength = element & NUM_PRIMARY_LENGTHS;
        if (matchLength === NUM_PRIMARY_LENGTHS) matchLength += decodeSymbol(lengthTree!);
        matchLength += MIN_MATCH;
        const slot = element >> 3;
        let matchOffset: number;
        if (slot === 0) {
          matchOffset = r0;
        } else if (slot === 1) {
          matchOffset = r1;
          r1 = r0;
          r0 = matchOffset;
        } else if (slot === 2) {
          matchOffset = r2;
          r2 = r0;
          r0 = matchOffset;
        } else {
          const extra = EXTRA_BITS[slot]!;
          matchOffset = POSITION_BASE[slot]! - 2;
          if (aligned && extra >= 3) {
            matchOffset += readBits(extra - 3) * 8;
            matchOffset += decodeSymbol(alignedTree!);
          } else {
            matchOffset += readBits(extra);
          }
          r2 = r1;
          r1 = r0;
          r0 = matchOffset;
        }
        if (matchLength > run) throw corrupt(source, 'an LZX match runs past the end of its block or frame');
        if (matchOffset === 0 || matchOffset > produced || matchOffset > windowSize) {
          throw corrupt(source, `an LZX match refers to ${matchOffset} bytes back, before the start of the data or the window`);
        }
        let from = (windowPos - matchOffset) & windowMask;
        if (from + matchLength <= windowSize) {
          // Byte by byte (never memmove) so an overlapping match repeats its bytes as LZ77 requires.
          if (matchLength >= 32 && matchOffset >= matchLength && from < windowPos) {
            window.copyWithin(windowPos, from, from + matchLength);
            windowPos += matchLength;
          } else {
            for (let i = 0; i < matchLength; i++) window[windowPos++] = window[from++]!;
          }
        } else {
          for (let i = 0; i < matchLength; i++) {
            window[windowPos++] = window[from]!;
            from = (from + 1) & windowMask;
          }
        }
        run -= matchLength;
        produced += matchLength;
      }
      checkOverrun();
    }
    // Realign the bit stream to 16 bits at the end of every frame.
    bitCount -= bitCount & 15;
    checkOverrun();

    ensureOutput(frameStart + frameSize);
    const frameOffsetInWindow = frameStart & windowMask;
    output.set(window.subarray(frameOffsetInWindow, frameOffsetInWindow + frameSize), frameStart);
    if (intelFileSize !== 0 && frame < E8_FRAME_LIMIT && frameSize > 10) {
      undoE8Translation(output, frameStart, frameSize, intelFileSize);
    }
    frame++;
  }
  return output.length === produced ? output : output.subarray(0, produced);
}

/** Reverses the encoder's Intel E8 call translation on one output frame (never its last 10 bytes). */
function undoE8Translation(data: Uint8Array, frameStart: number, frameSize: number, fileSize: number): void {
  const end = frameStart + frameSize - 10;
  let pos = frameStart;
  while (pos < end) {
    if (data[pos] !== 0xe8) {
      pos++;
      continue;
    }
    const absolute = readInt32(data, pos + 1);
    if (absolute >= -pos && absolute < fileSize) {
      const relative = absolute >= 0 ? absolute - pos : absolute + fileSize;
      writeInt32(data, pos + 1, relative);
    }
    pos += 5;
  }
}

/** Builds a canonical-Huffman lookup table; rejects over- and under-subscribed code sets unless all lengths are 0. */
function buildTable(lengths: Uint8Array, symbols: number, source: string): HuffmanTable {
  let maxLength = 0;
  let kraft = 0;
  for (let symbol = 0; symbol < symbols; symbol++) {
    const length = lengths[symbol]!;
    if (length > MAX_CODE_LENGTH) throw corrupt(source, 'an LZX Huffman code is longer than 16 bits');
    if (length > 0) {
      if (length > maxLength) maxLength = length;
      kraft += 2 ** (MAX_CODE_LENGTH - length);
    }
  }
  if (maxLength === 0) return { table: new Uint16Array(0), maxLength: 1, lengths, empty: true };
  if (kraft !== 2 ** MAX_CODE_LENGTH) throw corrupt(source, 'an LZX Huffman tree is not a complete prefix code');
  const table = new Uint16Array(1 << maxLength);
  let code = 0;
  for (let length = 1; length <= maxLength; length++) {
    for (let symbol = 0; symbol < symbols; symbol++) {
      if (lengths[symbol] !== length) continue;
      const span = 1 << (maxLength - length);
      const start = code << (maxLength - length);
      table.fill(symbol, start, start + span);
      code++;
    }
    code <<= 1;
  }
  return { table, maxLength, lengths: lengths.slice(0, symbols), empty: false };
}

function readUint32(data: Uint8Array, pos: number): number {
  return (data[pos]! | (data[pos + 1]! << 8) | (data[pos + 2]! << 16) | (data[pos + 3]! << 24)) >>> 0;
}

function readInt32(data: Uint8Array, pos: number): number {
  return data[pos]! | (data[pos + 1]! << 8) | (data[pos + 2]! << 16) | (data[pos + 3]! << 24);
}

function writeInt32(data: Uint8Array, pos: number, value: number): void {
  data[pos] = value & 0xff;
  data[pos + 1] = (value >>> 8) & 0xff;
  data[pos + 2] = (value >>> 16) & 0xff;
  data[pos + 3] = (value >>> 24) & 0xff;
}

function corrupt(source: string, message: string): BtsBackupError {
  return new BtsBackupError('E_INVALID_DATA', `${source}: ${message}`, {
    target: source,
    hint: 'The cabinet is damaged; export the application again.',
  });
}
