/**
 * Tolerances for comparing against TensorFlow.js, which computes in float32.
 *
 * float32 keeps 24 significant bits, so one rounding is off by at most u = 2^-24 ≈ 6e-8
 * relative. A result built from n rounded terms (a dot product of length n, a sum) has a
 * typical relative error of about u·√n; we allow 16× that, and never less than 16 u, so
 * that a correct float64 solution always passes and a wrong formula (off by far more) fails.
 */

export const FLOAT32_UNIT_ROUNDOFF = 2 ** -24;

export interface Tolerance {
  /** relative tolerance: |actual − expected| ≤ atol + rtol·|expected| */
  rtol: number;
  /** absolute tolerance, for values near zero */
  atol: number;
}

/**
 * Tolerance for a float32 result that accumulated `terms` roundings, whose values are of
 * magnitude about `scale` (atol covers cancellation down to zero).
 */
export function float32Tolerance(terms = 1, scale = 1): Tolerance {
  const rtol = 16 * FLOAT32_UNIT_ROUNDOFF * Math.sqrt(Math.max(1, terms));
  return { rtol, atol: rtol * scale };
}

/** For exact results (shapes, indices, copies): no slack. */
export const EXACT: Tolerance = { rtol: 0, atol: 0 };

/** The default of toBeAllClose when none is given: float64 work checked against float64. */
export const DEFAULT_TOLERANCE: Tolerance = { rtol: 1e-7, atol: 1e-10 };
