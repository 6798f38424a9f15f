/**
 * Round to a number of decimals, half away from zero, without the binary-fraction trap of
 * `Math.round(x * 10) / 10` (18.05 * 10 is 180.49999…, which would round down to 18.0).
 * Used for display only: rules compare exact values.
 */
export function roundTo(x: number, decimals: number): number {
  if (!Number.isFinite(x)) throw new RangeError(`cannot round a non-finite number: ${x}`);
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 15) {
    throw new RangeError(`decimals must be a whole number from 0 to 15: ${decimals}`);
  }
  const sign = x < 0 ? -1 : 1;
  const result = sign * shiftDecimal(Math.round(shiftDecimal(Math.abs(x), decimals)), -decimals);
  return result === 0 ? 0 : result; // never -0
}

/** x × 10^by, done on the decimal text (its exponent) rather than by multiplying. */
function shiftDecimal(x: number, by: number): number {
  const [mantissa, exponent = '0'] = String(x).split('e');
  return Number(`${mantissa}e${Number(exponent) + by}`);
}
