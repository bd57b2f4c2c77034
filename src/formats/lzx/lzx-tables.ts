/** Tables of the LZX format (MS-PATCH / CAB LZX) shared by the decoder and the encoder. */

/** Position slots per window size 2^15 .. 2^21. */
export const POSITION_SLOTS: Readonly<Record<number, number>> = { 15: 30, 16: 32, 17: 34, 18: 36, 19: 38, 20: 42, 21: 50 };

/** Extra bits and base offset of each of the 51 position slots. */
export const EXTRA_BITS = new Uint8Array(51);
export const POSITION_BASE = new Uint32Array(51);
{
  let base = 0;
  for (let slot = 0; slot < 51; slot++) {
    const extra = slot < 4 ? 0 : Math.min((slot - 2) >> 1, 17);
    EXTRA_BITS[slot] = extra;
    POSITION_BASE[slot] = base;
    base += 1 << extra;
  }
}
