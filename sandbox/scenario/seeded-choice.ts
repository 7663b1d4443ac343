import { createHash } from 'node:crypto';

/**
 * Decisions drawn from the seed and the decision's own name (Seller, entity, step), not from a shared stream:
 * the same seed gives the same story whatever order ticks visit entities in, and across restarts.
 */
export interface SeededChoice {
  /** A number in [0, 1) fixed by the seed and the key. */
  fraction(...key: Array<string | number>): number;
  chance(probability: number, ...key: Array<string | number>): boolean;
  /** An integer in [min, max]. */
  between(min: number, max: number, ...key: Array<string | number>): number;
  pick<T>(items: readonly T[], ...key: Array<string | number>): T;
}

export function seededChoice(seed: string): SeededChoice {
  const fraction = (...key: Array<string | number>): number => {
    const digest = createHash('sha256').update(seed).update('\u0000').update(key.join('\u0000')).digest();
    return digest.readUInt32BE(0) / 0x1_0000_0000;
  };
  return {
    fraction,
    chance: (probability, ...key) => fraction(...key) < probability,
    between: (min, max, ...key) => min + Math.floor(fraction(...key) * (max - min + 1)),
    pick<T>(items: readonly T[], ...key: Array<string | number>): T {
      if (items.length === 0) throw new Error('nothing to pick from');
      return items[Math.floor(fraction(...key) * items.length)] as T;
    },
  };
}
