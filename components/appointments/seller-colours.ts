/** Distinct fills that read on both themes with white text; a Seller keeps its colour by its place in the registry. */
const PALETTE = ['#2563d9', '#b45309', '#7c3aed', '#0f766e', '#be185d', '#4d7c0f', '#0369a1', '#9f1239'];

export function sellerColour(index: number): string {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
}
