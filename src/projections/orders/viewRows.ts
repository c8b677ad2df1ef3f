import type { Actor, EtaClock, GarmentSnapshot, OrderState, Priority, ProductionStatus, Technique } from '../../domain/order/index.ts';

/* The rows the order queries read, as pg hands them over; views.ts maps them to the API shapes. */

/** A production_orders row as the order queries select it (pg's default parsing). */
export interface OrderRow {
  id: string;
  user_id: string;
  project_id: string | null;
  reference: string;
  status: OrderState;
  notes: string | null;
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  priority: Priority;
  hold_reason: string | null;
  prompt: string | null;
  design_url: string;
  garment: GarmentSnapshot;
  total_cents: string;
  currency: string;
  stripe_checkout_session_id: string | null;
  checkout_url: string | null;
  checkout_simulated: boolean | null;
  stripe_payment_intent_id: string | null;
  paid_cents: string | null;
  paid_currency: string | null;
  paid_at: Date | null;
  payment_mismatch: boolean;
  last_payment_failure: string | null;
  refunded_cents: string;
  canceled: boolean;
  canceled_by: string | null;
  cancel_reason: string | null;
  refund_due: boolean;
  submitted_at: Date | null;
  approved_at: Date | null;
  in_production_at: Date | null;
  fulfilled_at: Date | null;
  canceled_at: Date | null;
  tracking_number: string | null;
  tracking_url: string | null;
  carrier: string | null;
  public_tracking_token: string | null;
  eta_clock: EtaClock;
  refund_excess: boolean;
  refund_failed: boolean;
  refund_failure_reason: string | null;
  dispute_status: string | null;
  dispute_evidence_due_by: Date | null;
  disputed: boolean;
  version: number;
  position: string;
  line_items?: LineItemJson[];
  events?: TimelineJson[];
}

export interface LineItemJson {
  id: string;
  line_no: number;
  size: string;
  quantity: number;
  technique: Technique;
  unit_price_cents: string;
}

export interface TimelineJson {
  id: string;
  order_id: string;
  stream_version: number;
  status: ProductionStatus;
  message: string | null;
  metadata: Record<string, unknown>;
  actor_type: Actor['type'];
  actor_id: string;
  event_type: string;
  occurred_at: string;
  position: string;
}
