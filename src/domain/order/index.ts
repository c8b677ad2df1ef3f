/** The order domain's public API: a pure decider plus the rules others read (labels, ETA, table). */
export * from './events.ts';
export * from './commands.ts';
export {
  initialState,
  type Order,
  type OrderStreamState,
  type PaymentInfo,
  type CancelationInfo,
  type DisputeInfo,
} from './state.ts';
export { evolve, foldOrder } from './evolve.ts';
export { decide } from './decide.ts';
export { DEFAULT_CREATION_HOLD_REASON } from './decideCreate.ts';
export {
  TRANSITIONS,
  USER_ACTIONS,
  refusalOf,
  transitionsMarkdown,
  type OrderAction,
  type TransitionRule,
} from './transitions.ts';
export { allowedActions, type ActionAvailability } from './allowedActions.ts';
export * from './labels.ts';
export { AT_RISK_SHARE, PROMISE_STANDINGS, promiseMs, type PromiseStanding } from './promise.ts';
export { DAY_MS, TIER_DAYS, etaOf, wholeDaysLeft, type Eta, type EtaClock, type Tier } from './eta.ts';
export { LIMITS, TECHNIQUES, DEFAULT_TECHNIQUE, REFERENCE_PATTERN, formatReference } from './validation.ts';
export { PAYMENT_CONFIRMED_MESSAGE, timelineMessage } from './timeline.ts';
export { TRACKING_TOKEN_PATTERN } from './decideTracking.ts';
