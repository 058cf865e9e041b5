/**
 * Loss surfaces that show what an optimizer does, shared by the specs and the pictures.
 *
 * The tilted double well f(w) = w⁴ − 2w² + 0.5w has two valleys: a shallow one on the right and
 * the deeper, global one on the left, with a hump between them. From w = 2, plain gradient
 * descent stops in the first valley it reaches; momentum reaches it with speed and rolls on.
 */
export const tiltedWell = {
  f: (w: number) => w ** 4 - 2 * w ** 2 + 0.5 * w,
  gradient: (w: number) => 4 * w ** 3 - 4 * w + 0.5,
  /** the three roots of the gradient, 4w³ − 4w + 0.5 = 0, left to right (f = −1.5148, 0.0315, −0.5167) */
  globalMin: -1.0574537707383778,
  hump: 0.12705084418252624,
  localMin: 0.9304029265558516,
};
