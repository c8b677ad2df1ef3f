/** The order command service and its ports; see README.md. */
export {
  createOrderCommands,
  type CommandOptions,
  type CreateOrderInput,
  type LoadedOrderView,
  type OrderCommandDeps,
  type OrderCommandResult,
  type OrderCommands,
  type RunOptions,
  type SetOrderStatusInput,
} from './orderCommands.ts';
export { systemClock, type Clock, type GarmentCatalog, type ReferenceAllocator } from './ports.ts';
export type { IdGenerator, IdSecret } from '../ids.ts';
export { createInMemoryReferenceAllocator, createPostgresReferenceAllocator } from './references.ts';
export { createInMemoryGarmentCatalog, createPostgresGarmentCatalog } from './garments.ts';
export { toOrderEvent } from './eventMapping.ts';
