/**
 * Tolerances for comparing against TensorFlow.js, which computes in float32.
 *
 * float32 keeps 24 significant bits, so one rounding is off by at most u = 2^-24 ≈ 6e-8
 * relative. A result built from n rounded terms (a dot product of length n, a sum) has a
 * typical relative error of about u·√n; we allow 16× that, and never less than 16 u, so
 * that a correct float64 solution always passes and a wrong formula (off by far more) fails.
 *
 * Relative error says nothing near zero, and float32 has a floor of its own: below its
 * smallest normal number, 2^-126 ≈ 1.2e-38, TensorFlow.js' WASM backend flushes results to
 * zero (a product of two values of 1e-20 is 0 there, 1e-40 in float64). Each rounded term
 * (a product, then the addition that takes it in) can so lose up to 2^-126 outright, and
 * atol is never below 2·terms·2^-126. That floor is some 36 orders of magnitude below the
 * error of a wrong index or formula on values of order 1, so it lets no wrong answer through.
 */

export const FLOAT32_UNIT_ROUNDOFF = 2 ** -24;
/** The smallest normal float32: results below it may be flushed to zero by TensorFlow.js. */
export const FLOAT32_MIN_NORMAL = 2 ** -126;

export interface Tolerance {
  /** relative tolerance: |actual − expected| ≤ atol + rtol·|expected| */
  rtol: number;
  /** absolute tolerance, for values near zero */
  atol: number;
}

/**
 * Tolerance for a float32 result that accumulated `terms` roundings, whose values are of
 * magnitude about `scale` (atol covers cancellation down to zero, and never less than what
 * flushing results below 2^-126 to zero can cost).
 */
export function float32Tolerance(terms = 1, scale = 1): Tolerance {
  const n = Math.max(1, terms);
  const rtol = 16 * FLOAT32_UNIT_ROUNDOFF * Math.sqrt(n);
  return { rtol, atol: Math.max(rtol * scale, 2 * n * FLOAT32_MIN_NORMAL) };
}

/** For exact results (shapes, indices, copies): no slack. */
export const EXACT: Tolerance = { rtol: 0, atol: 0 };

/** The default of toBeAllClose when none is given: float64 work checked against float64. */
export const DEFAULT_TOLERANCE: Tolerance = { rtol: 1e-7, atol: 1e-10 };
