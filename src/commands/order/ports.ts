import type { GarmentSnapshot } from '../../domain/order/index.ts';

/** The time, from outside, so tests run on a fake clock. */
export interface Clock {
  now(): Date;
}

/** Hands out human-readable order references (`PO-000001`), each once. Gaps are allowed. */
export interface ReferenceAllocator {
  next(): Promise<string>;
}

/** The garment catalog as it is now; the order keeps the snapshot it was placed with. */
export interface GarmentCatalog {
  find(id: string): Promise<GarmentSnapshot | undefined>;
}

export const systemClock: Clock = { now: () => new Date() };
