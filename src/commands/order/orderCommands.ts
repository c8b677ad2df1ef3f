import { isUuid } from '../../domain/ids.ts';
import { AppError, type FieldProblem } from '../../domain/errors.ts';
import type {
  Actor,
  CancelOrder,
  CommandBase,
  ConfirmPayment,
  CreateOrder,
  FailPayment,
  IssueTrackingLink,
  OpenCheckoutSession,
  Order,
  OrderCommand,
  OrderEvent,
  OrderStreamState,
  PostMessage,
  RecordRefund,
  RevokeTrackingLink,
  SetOrderStatus,
  SetPriority,
  UpdateNotes,
} from '../../domain/order/index.ts';
import { orderStreamId } from '../../domain/order/index.ts';
import type { EventStore, GlobalPosition } from '../../eventstore/eventStore.ts';
import { createKeyedQueue } from '../../shared/keyedQueue.ts';
import { handleCommand, type CommandSource, type HandleCommandResult } from '../handleCommand.ts';
import { idempotentOrderId, randomIds, randomTrackingToken, type IdGenerator, type IdSecret } from '../ids.ts';
import { DEFAULT_CACHE_ENTRIES, StateCache } from '../stateCache.ts';
import { loadOrder, orderDecider } from './orderStream.ts';
import { systemClock, type Clock, type GarmentCatalog, type ReferenceAllocator } from './ports.ts';

/** What every order command answers. */
export interface OrderCommandResult {
  readonly orderId: string;
  /** The stream's version after the command (for a repeated key: right after its first application). */
  readonly version: number;
  /** Position of the last event written (repeated key: of the last event it first wrote; nothing to do: of the order's newest event). */
  readonly position: GlobalPosition;
  /** The events written now, or those written the first time for a repeated key; empty when there was nothing to do. */
  readonly events: readonly OrderEvent[];
  /** The order after the command (for a repeated key: as the first application left it). */
  readonly state: Order;
  /** True when the idempotency key had already been applied and nothing was written now. */
  readonly replayed: boolean;
}

export interface RunOptions {
  /** The version the caller last saw; a different one is VERSION_CONFLICT and nothing is written. */
  readonly expectedVersion?: number;
  /** Decide, but write nothing (bulk dry runs). */
  readonly dryRun?: boolean;
}

/** Who asks, and the optional expected version (rule 6) and idempotency key (rule 7). */
export interface CommandOptions {
  readonly actor: Actor;
  readonly expectedVersion?: number;
  readonly idempotencyKey?: string;
}

type Input<C extends OrderCommand> = Omit<C, 'type' | keyof CommandBase>;
export type CreateOrderInput = Omit<Input<CreateOrder>, 'reference' | 'garment' | 'lineItemIds'>;
/** `SetOrderStatus` with the target named `status`, as the API names it. */
export type SetOrderStatusInput = Omit<Input<SetOrderStatus>, 'to'> & { readonly status: string };

export interface OrderCommandDeps {
  readonly eventStore: EventStore;
  readonly references: ReferenceAllocator;
  readonly garments: GarmentCatalog;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  /**
   * The installation's secret (`loadInstallationSecret`, or `ID_SECRET`): order ids made from
   * idempotency keys are keyed with it. Every process sharing the event store must hold the same
   * one, or a retry reaching another process would make a second order.
   */
  readonly idSecret: IdSecret;
  /** Orders whose fold this instance keeps between commands (default 10,000); see src/commands/stateCache.ts. */
  readonly cacheEntries?: number;
  /** Makes public tracking link tokens (default: 192 random bits, base64url). */
  readonly trackingTokens?: () => string;
}

/** The order as its events say, for reads that must not wait for the read model (dry runs, ETags). */
export interface LoadedOrderView {
  readonly state: Order | null;
  readonly version: number;
  readonly position: GlobalPosition | undefined;
}

export interface OrderCommands {
  /** Places a draft order. With an idempotency key the order id is derived from (user, key), so a retry finds the same order. */
  createOrder(input: CreateOrderInput, options: CommandOptions): Promise<OrderCommandResult>;
  openCheckoutSession(
    orderId: string,
    input: Input<OpenCheckoutSession>,
    options: CommandOptions,
  ): Promise<OrderCommandResult>;
  confirmPayment(orderId: string, input: Input<ConfirmPayment>, options: CommandOptions): Promise<OrderCommandResult>;
  failPayment(orderId: string, input: Input<FailPayment>, options: CommandOptions): Promise<OrderCommandResult>;
  setOrderStatus(orderId: string, input: SetOrderStatusInput, options: CommandOptions): Promise<OrderCommandResult>;
  cancelOrder(orderId: string, input: Input<CancelOrder>, options: CommandOptions): Promise<OrderCommandResult>;
  setPriority(orderId: string, input: Input<SetPriority>, options: CommandOptions): Promise<OrderCommandResult>;
  updateNotes(orderId: string, input: Input<UpdateNotes>, options: CommandOptions): Promise<OrderCommandResult>;
  postMessage(orderId: string, input: Input<PostMessage>, options: CommandOptions): Promise<OrderCommandResult>;
  recordRefund(orderId: string, input: Input<RecordRefund>, options: CommandOptions): Promise<OrderCommandResult>;
  /** Issues the public tracking link with a fresh token, unless one is active (then nothing changes). */
  issueTrackingLink(orderId: string, options: CommandOptions): Promise<OrderCommandResult>;
  /** Revokes the active tracking link and issues a fresh one in its place. */
  revokeTrackingLink(orderId: string, options: CommandOptions): Promise<OrderCommandResult>;
  /** Any command but CreateOrder, built by the caller (the webhook); `dryRun` decides without writing. */
  execute(command: OrderCommand, options?: RunOptions): Promise<OrderCommandResult>;
  load(orderId: string): Promise<LoadedOrderView>;
}

const MAX_KEY_LENGTH = 255;

/** Order ids are uuids; anything else names no order (and must never become a stream). */
function orderIdOf(orderId: string): string {
  if (typeof orderId !== 'string' || !isUuid(orderId))
    throw new AppError('NOT_FOUND', `Order ${String(orderId)} not found`, { orderId });
  return orderId.toLowerCase();
}

function checkOptions(options: { readonly expectedVersion?: number; readonly idempotencyKey?: string }): void {
  const problems: FieldProblem[] = [];
  const { expectedVersion, idempotencyKey } = options;
  if (expectedVersion !== undefined && (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0))
    problems.push({ path: 'expectedVersion', message: 'must be a whole number, 0 or more' });
  if (
    idempotencyKey !== undefined &&
    (typeof idempotencyKey !== 'string' || idempotencyKey.length === 0 || idempotencyKey.length > MAX_KEY_LENGTH)
  ) {
    problems.push({ path: 'idempotencyKey', message: `must be 1 to ${MAX_KEY_LENGTH} characters` });
  }
  if (problems.length > 0)
    throw new AppError(
      'BAD_USER_INPUT',
      `Invalid command options: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
      { fields: problems },
    );
}

/**
 * The order application service: one method per command, each loading the order's events,
 * deciding with the domain rules and appending with optimistic concurrency.
 */
export function createOrderCommands(deps: OrderCommandDeps): OrderCommands {
  const clock = deps.clock ?? systemClock;
  const ids = deps.ids ?? randomIds;
  const trackingToken = deps.trackingTokens ?? randomTrackingToken;
  // Per instance: two services over one store each keep their own cache, and neither trusts it blindly.
  const parts = {
    eventIds: () => ids.uuid(),
    cache: new StateCache<OrderStreamState>(deps.cacheEntries ?? DEFAULT_CACHE_ENTRIES),
    queue: createKeyedQueue(),
  };
  const run = async (
    orderId: string,
    command: CommandSource<OrderStreamState, OrderCommand>,
    type: OrderCommand['type'],
    options: RunOptions & { readonly idempotencyKey?: string; readonly streamIsNew?: boolean },
  ) =>
    answer(
      orderId,
      await handleCommand(deps.eventStore, orderStreamId(orderId), orderDecider, command, {
        ...parts,
        ...options,
        metadata: { command: type },
      }),
    );

  const execute = async (command: OrderCommand, options: RunOptions = {}): Promise<OrderCommandResult> => {
    if (command.type === 'CreateOrder')
      throw new Error('Create orders with createOrder: it allocates the reference and prices');
    checkOptions({ ...options, idempotencyKey: command.idempotencyKey });
    const orderId = orderIdOf(command.orderId);
    const { expectedVersion, dryRun } = options;
    return await run(orderId, { ...command, orderId }, command.type, {
      expectedVersion,
      dryRun,
      idempotencyKey: command.idempotencyKey,
    });
  };

  const on =
    <C extends OrderCommand>(type: C['type']) =>
    (orderId: string, input: object, options: CommandOptions): Promise<OrderCommandResult> => {
      const { actor, expectedVersion, idempotencyKey } = options;
      const command = {
        ...input,
        type,
        orderId,
        actor,
        now: clock.now(),
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      } as OrderCommand;
      return execute(command, expectedVersion === undefined ? {} : { expectedVersion });
    };

  async function createOrder(input: CreateOrderInput, options: CommandOptions): Promise<OrderCommandResult> {
    checkOptions(options);
    const { actor, idempotencyKey } = options;
    const orderId =
      idempotencyKey === undefined ? ids.uuid() : idempotentOrderId(deps.idSecret, actor.id, idempotencyKey);
    const garment =
      typeof input.garmentId === 'string' && input.garmentId !== ''
        ? await deps.garments.find(input.garmentId)
        : undefined;
    const lineItemIds = Array.isArray(input.sizes) ? input.sizes.map(() => ids.uuid()) : [];
    const now = clock.now();
    let reference: string | undefined;
    const create = async (view: { readonly state: OrderStreamState }): Promise<OrderCommand> => {
      // A number is taken only for an order about to be written, not for a repeat of one.
      if (view.state === null) reference ??= await deps.references.next();
      return {
        ...input,
        type: 'CreateOrder',
        orderId,
        actor,
        now,
        reference: reference ?? '',
        garment,
        lineItemIds,
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      };
    };
    // A random id names no stream yet: the first attempt appends at version 0 without reading.
    return run(orderId, create, 'CreateOrder', {
      expectedVersion: options.expectedVersion,
      idempotencyKey,
      streamIsNew: idempotencyKey === undefined,
    });
  }

  return {
    createOrder,
    openCheckoutSession: on<OpenCheckoutSession>('OpenCheckoutSession'),
    confirmPayment: on<ConfirmPayment>('ConfirmPayment'),
    failPayment: on<FailPayment>('FailPayment'),
    setOrderStatus: (orderId, { status, ...rest }, options) =>
      on<SetOrderStatus>('SetOrderStatus')(orderId, { ...rest, to: status }, options),
    cancelOrder: on<CancelOrder>('CancelOrder'),
    setPriority: on<SetPriority>('SetPriority'),
    updateNotes: on<UpdateNotes>('UpdateNotes'),
    postMessage: on<PostMessage>('PostMessage'),
    recordRefund: on<RecordRefund>('RecordRefund'),
    // The token is drawn once per call, so a retry after a lost race decides with the same one.
    issueTrackingLink: (orderId, options) =>
      on<IssueTrackingLink>('IssueTrackingLink')(orderId, { token: trackingToken() }, options),
    revokeTrackingLink: (orderId, options) =>
      on<RevokeTrackingLink>('RevokeTrackingLink')(orderId, { token: trackingToken() }, options),
    execute,
    async load(orderId) {
      const { state, version, position } = await loadOrder(deps.eventStore, orderIdOf(orderId));
      return { state, version, position };
    },
  };
}

const ORIGIN: GlobalPosition = { commit: 0n, prepare: 0n };

function answer(orderId: string, result: HandleCommandResult<OrderStreamState, OrderEvent>): OrderCommandResult {
  const { state, nextVersion: version, events, replayed } = result;
  // Only reachable for an order that exists: decide answers NOT_FOUND before any of these.
  if (!state) throw new Error(`Order ${orderId} has no events to answer with`);
  // A dry run on a stream with no position yet cannot happen (no order, NOT_FOUND); the origin keeps the type honest.
  return { orderId, version, position: result.position ?? ORIGIN, events, state, replayed };
}
