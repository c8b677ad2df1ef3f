import { useId, useRef } from 'react';
import { customerClient } from '../client/clients.ts';
import {
  OpsCancelOrderMutation,
  OpsSetOrderPriorityMutation,
  OpsSetOrderStatusMutation,
} from '../client/opsOrderDocuments.ts';
import type { OrderAction, Priority, ProductionOrderState } from '../gql/graphql.ts';
import { priorityLabel } from '../format.ts';
import type { OpsOrder } from '../opsOrderChanges.ts';
import { CommandOutcomeText, useCommand } from './OpsCommand.tsx';
import { OpsDialog } from './OpsDialog.tsx';

interface ActionsProps {
  readonly order: OpsOrder;
  /** Shows a mutation's answer (the order once the change is in the read model). */
  readonly onOrder: (order: OpsOrder) => void;
  /** Loads the order again: after a refusal (a conflict above all) the page shows what the server has. */
  readonly refresh: () => void;
}

const text = (fields: FormData, name: string): string | undefined => {
  const value = fields.get(name);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};

/** The rules' verdict on one action, from `allowedActions` (absent: not offered to this viewer). */
function checkOf(order: OpsOrder, action: OrderAction) {
  return (
    order.allowedActions.find((check) => check.action === action) ?? {
      action,
      allowed: false,
      reason: 'Not offered to you.',
      code: null,
    }
  );
}

/** Why an action is refused, next to its button and named by it (`aria-describedby`). */
function Reason({ id, reason }: { id: string; reason: string | null | undefined }) {
  return reason ? (
    <span id={id} className="ops-reason" data-testid="reason">
      {reason}
    </span>
  ) : null;
}

/** The operator's actions, as `allowedActions` allows them, each with its outcome beside it. */
export function OpsOrderActions({ order, onOrder, refresh }: ActionsProps) {
  return (
    <section className="card" aria-labelledby="ops-actions-heading">
      <h2 id="ops-actions-heading">Actions</h2>
      <p className="muted">
        Each action applies to version <span data-testid="shown-version">{order.version}</span> as shown; if the order
        changed meanwhile it is refused and nothing is changed.
      </p>
      <div className="ops-actions">
        <StatusStep
          order={order}
          onOrder={onOrder}
          refresh={refresh}
          action="APPROVE"
          to="APPROVED"
          label="Approve"
          busy="Approving…"
          done="Approved."
        />
        <StatusStep
          order={order}
          onOrder={onOrder}
          refresh={refresh}
          action="START_PRODUCTION"
          to="IN_PRODUCTION"
          label="Start production"
          busy="Starting production…"
          done="Production started."
        />
        <Fulfil order={order} onOrder={onOrder} refresh={refresh} />
        <PriorityActions order={order} onOrder={onOrder} refresh={refresh} />
        <Cancel order={order} onOrder={onOrder} refresh={refresh} />
      </div>
    </section>
  );
}

function useAction(order: OpsOrder, action: OrderAction) {
  const reasonId = useId();
  const outcomeRef = useRef<HTMLDivElement>(null);
  const check = checkOf(order, action);
  return {
    check,
    reasonId,
    describedBy: check.allowed ? undefined : reasonId,
    outcomeRef,
    returnFocus: () => outcomeRef.current?.querySelector<HTMLElement>('[aria-live]') ?? null,
  };
}

function StatusStep({
  order,
  onOrder,
  refresh,
  action,
  to,
  label,
  busy,
  done,
}: ActionsProps & { action: OrderAction; to: ProductionOrderState; label: string; busy: string; done: string }) {
  const command = useCommand();
  const { check, reasonId, describedBy, outcomeRef } = useAction(order, action);
  const send = () =>
    command
      .run(
        busy,
        () =>
          customerClient.request(OpsSetOrderStatusMutation, {
            id: order.id,
            status: to,
            expectedVersion: order.version,
          }),
        (answer) => {
          onOrder(answer.setOrderStatus);
          return `${done} Now ${answer.setOrderStatus.statusLabel}.`;
        },
      )
      .then((ok) => !ok && refresh());
  return (
    <div className="ops-action" data-action={action} ref={outcomeRef}>
      <button
        type="button"
        className="button-primary"
        disabled={!check.allowed || command.pending}
        aria-describedby={describedBy}
        onClick={() => void send()}
      >
        {command.pending ? busy : label}
      </button>
      <Reason id={reasonId} reason={check.allowed ? null : check.reason} />
      <CommandOutcomeText outcome={command.outcome} />
    </div>
  );
}

function Fulfil({ order, onOrder, refresh }: ActionsProps) {
  const command = useCommand();
  const { check, reasonId, describedBy, outcomeRef, returnFocus } = useAction(order, 'FULFILL');
  const submit = (fields: FormData) => {
    const tracking = trackingOf(fields);
    return command
      .run(
        'Fulfilling…',
        () =>
          customerClient.request(OpsSetOrderStatusMutation, {
            id: order.id,
            status: 'FULFILLED',
            expectedVersion: order.version,
            tracking,
          }),
        (answer) => {
          onOrder(answer.setOrderStatus);
          return `Fulfilled${tracking.trackingNumber ? ` with tracking number ${tracking.trackingNumber}` : ''}.`;
        },
      )
      .then((ok) => !ok && refresh());
  };
  return (
    <div className="ops-action" data-action="FULFILL" ref={outcomeRef}>
      <OpsDialog
        label="Fulfil…"
        title={`Fulfil order ${order.reference}`}
        submitLabel="Fulfil order"
        busyLabel="Fulfilling…"
        disabled={!check.allowed || command.pending}
        describedBy={describedBy}
        onSubmit={submit}
        returnFocus={returnFocus}
      >
        <FulfilFields />
      </OpsDialog>
      <Reason id={reasonId} reason={check.allowed ? null : check.reason} />
      <CommandOutcomeText outcome={command.outcome} />
    </div>
  );
}

/** The tracking fields of a fulfilment, as the form gives them (blank: not given). */
export const trackingOf = (fields: FormData) => ({
  trackingNumber: text(fields, 'trackingNumber'),
  trackingUrl: text(fields, 'trackingUrl'),
  carrier: text(fields, 'carrier'),
});

/** The fulfil dialog's fields (the order page and the production board ask the same). */
export function FulfilFields() {
  const ids = { number: useId(), url: useId(), carrier: useId() };
  return (
    <>
      <p className="muted">The shipment's details go on the order's timeline.</p>
      <p className="field">
        <label htmlFor={ids.number}>Tracking number</label>
        <input id={ids.number} name="trackingNumber" autoComplete="off" autoFocus />
      </p>
      <p className="field">
        <label htmlFor={ids.url}>Tracking URL</label>
        <input id={ids.url} name="trackingUrl" type="url" inputMode="url" placeholder="https://" autoComplete="off" />
      </p>
      <p className="field">
        <label htmlFor={ids.carrier}>Carrier</label>
        <input id={ids.carrier} name="carrier" autoComplete="off" placeholder="e.g. UPS" />
      </p>
    </>
  );
}

function PriorityActions({ order, onOrder, refresh }: ActionsProps) {
  const command = useCommand();
  const { check, reasonId, describedBy, outcomeRef, returnFocus } = useAction(order, 'SET_PRIORITY');
  const reasonField = useId();
  const change = (priority: Priority, reason: string | undefined, busy: string) =>
    command
      .run(
        busy,
        () =>
          customerClient.request(OpsSetOrderPriorityMutation, {
            id: order.id,
            priority,
            reason,
            expectedVersion: order.version,
          }),
        (answer) => {
          onOrder(answer.setOrderPriority);
          return priority === 'HOLD'
            ? `On hold: ${answer.setOrderPriority.holdReason ?? reason ?? ''}`
            : `${priorityLabel(answer.setOrderPriority.priority)} priority now.`;
        },
      )
      .then((ok) => !ok && refresh());
  const disabled = !check.allowed || command.pending;
  const onHold = order.priority === 'HOLD';
  return (
    <div className="ops-action" data-action="SET_PRIORITY" ref={outcomeRef}>
      {onHold ? (
        <>
          <button
            type="button"
            disabled={disabled}
            aria-describedby={describedBy}
            onClick={() => void change('RUSH', undefined, 'Releasing…')}
          >
            Release as rush
          </button>
          <button
            type="button"
            disabled={disabled}
            aria-describedby={describedBy}
            onClick={() => void change('STANDARD', undefined, 'Releasing…')}
          >
            Release as standard
          </button>
        </>
      ) : (
        <>
          <OpsDialog
            label="Hold…"
            title={`Hold order ${order.reference}`}
            submitLabel="Hold order"
            busyLabel="Holding…"
            disabled={disabled}
            describedBy={describedBy}
            onSubmit={(fields) => change('HOLD', text(fields, 'reason'), 'Holding…')}
            returnFocus={returnFocus}
          >
            <p className="muted">
              Production pauses and the customer's ETA countdown stops until the order is released.
            </p>
            <p className="field">
              <label htmlFor={reasonField}>Reason (the customer sees it)</label>
              <input id={reasonField} name="reason" required maxLength={500} autoFocus autoComplete="off" />
            </p>
          </OpsDialog>
          <button
            type="button"
            disabled={disabled}
            aria-describedby={describedBy}
            onClick={() =>
              void change(order.priority === 'RUSH' ? 'STANDARD' : 'RUSH', undefined, 'Changing priority…')
            }
          >
            {order.priority === 'RUSH' ? 'Make standard' : 'Make rush'}
          </button>
        </>
      )}
      <Reason id={reasonId} reason={check.allowed ? null : check.reason} />
      <CommandOutcomeText outcome={command.outcome} />
    </div>
  );
}

function Cancel({ order, onOrder, refresh }: ActionsProps) {
  const command = useCommand();
  const { check, reasonId, describedBy, outcomeRef, returnFocus } = useAction(order, 'CANCEL');
  const reasonField = useId();
  const paid = order.payment.paidCents > 0;
  const submit = (fields: FormData) =>
    command
      .run(
        'Canceling…',
        () =>
          customerClient.request(OpsCancelOrderMutation, {
            id: order.id,
            reason: text(fields, 'reason'),
            expectedVersion: order.version,
          }),
        (answer) => {
          onOrder(answer.cancelOrder);
          return `Canceled.${answer.cancelOrder.payment.refundRequested ? ' A refund is requested.' : ''}`;
        },
      )
      .then((ok) => !ok && refresh());
  return (
    <div className="ops-action" data-action="CANCEL" ref={outcomeRef}>
      <OpsDialog
        label="Cancel order…"
        title={`Cancel order ${order.reference}`}
        submitLabel="Cancel order"
        busyLabel="Canceling…"
        danger
        disabled={!check.allowed || command.pending}
        describedBy={describedBy}
        onSubmit={submit}
        returnFocus={returnFocus}
      >
        <p data-testid="cancel-refund-note">
          {paid
            ? 'This order is paid: canceling it requests a refund of the payment.'
            : 'This order is not paid: nothing is refunded.'}
        </p>
        <p className="field">
          <label htmlFor={reasonField}>Reason</label>
          <input id={reasonField} name="reason" required maxLength={500} autoFocus autoComplete="off" />
        </p>
      </OpsDialog>
      <Reason id={reasonId} reason={check.allowed ? null : check.reason} />
      <CommandOutcomeText outcome={command.outcome} />
    </div>
  );
}
