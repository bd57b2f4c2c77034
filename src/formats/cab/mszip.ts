import { constants, inflateRawSync } from 'node:zlib';
import { BtsBackupError } from '../../errors/index.js';

/** Largest output of one MSZIP CFDATA block (one deflate "frame"). */
export const MSZIP_FRAME_SIZE = 32768;

/**
 * Decodes one MSZIP CFDATA payload: the bytes "CK" then a raw deflate stream. The stream may refer back into
 * the previous blocks' last 32 KiB of output, which the caller passes as `history`.
 */
export function inflateMszipBlock(payload: Uint8Array, history: Uint8Array, expectedSize: number, source: string): Uint8Array {
  if (payload.length < 2 || payload[0] !== 0x43 || payload[1] !== 0x4b) {
    throw corrupt(source, 'an MSZIP block does not start with the "CK" signature');
  }
  if (expectedSize > MSZIP_FRAME_SIZE) {
    throw corrupt(source, `an MSZIP block claims ${expectedSize} bytes of output (more than ${MSZIP_FRAME_SIZE})`);
  }
  let out: Buffer;
  try {
    out = inflateRawSync(payload.subarray(2), {
      ...(history.length > 0 ? { dictionary: history } : {}),
      finishFlush: constants.Z_SYNC_FLUSH,
      maxOutputLength: MSZIP_FRAME_SIZE,
    });
  } catch (error) {
    throw corrupt(source, `an MSZIP block does not inflate (${(error as Error).message})`, error);
  }
  if (out.length !== expectedSize) {
    throw corrupt(source, `an MSZIP block inflates to ${out.length} bytes, its header says ${expectedSize}`);
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

function corrupt(source: string, message: string, cause?: unknown): BtsBackupError {
  return new BtsBackupError('E_INVALID_DATA', `${source}: ${message}`, {
    target: source,
    hint: 'The cabinet is damaged; export the application again.',
    cause,
  });
}
