/** A garment blank as the catalog read model holds it. */
export interface GarmentRecord {
  readonly id: string;
  readonly title: string;
  readonly priceCents: number;
  readonly sizes: readonly string[];
  readonly imageUrl: string | null;
}

/** The garment catalog both transports list (the `garments` read table): REST `GET /api/garments`, GraphQL `garments`. */
export interface GarmentCatalog {
  list(): Promise<readonly GarmentRecord[]>;
}
