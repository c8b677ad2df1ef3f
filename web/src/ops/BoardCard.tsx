import { useEffect, useId, useRef, type DragEvent } from 'react';
import { customerClient } from '../client/clients.ts';
import { OpsSetOrderStatusMutation } from '../client/opsOrderDocuments.ts';
import { CommandOutcomeText, useCommand } from '../components/OpsCommand.tsx';
import { OpsDialog } from '../components/OpsDialog.tsx';
import { FulfilFields, trackingOf } from '../components/OpsOrderActions.tsx';
import type { BoardCardOrder } from './boardDocuments.ts';
import type { OrderAction, ProductionOrderState, PromiseStanding, TrackingInput } from '../gql/graphql.ts';
import { priorityLabel, techniqueLabel } from '../format.ts';
import { Link } from '../router.tsx';
import { EtaCell } from './EtaCell.tsx';

/** The command that moves an order of a stage to the next one (the transitions of the rules). */
export const NEXT_MOVE: Partial<
  Record<ProductionOrderState, { readonly action: OrderAction; readonly to: ProductionOrderState }>
> = {
  SUBMITTED: { action: 'APPROVE', to: 'APPROVED' },
  APPROVED: { action: 'START_PRODUCTION', to: 'IN_PRODUCTION' },
  IN_PRODUCTION: { action: 'FULFILL', to: 'FULFILLED' },
};

/** A card's move as the rules allow it now: where to, and why not when refused (from `allowedActions`). */
export interface CardMove {
  readonly to: ProductionOrderState;
  readonly toLabel: string;
  readonly fulfil: boolean;
  readonly allowed: boolean;
  readonly reason: string | null;
}

export function moveOf(order: BoardCardOrder, labelOf: (state: ProductionOrderState) => string): CardMove | null {
  const next = NEXT_MOVE[order.orderStatus];
  if (!next) return null;
  const check = order.allowedActions.find((candidate) => candidate.action === next.action);
  return {
    to: next.to,
    toLabel: labelOf(next.to),
    fulfil: next.action === 'FULFILL',
    allowed: check?.allowed ?? false,
    reason: check ? check.reason : 'Not offered to you.',
  };
}

const STANDING_MARKS: Record<PromiseStanding, { readonly text: string; readonly className: string } | null> = {
  ON_TRACK: null,
  AT_RISK: { text: 'At risk', className: 'board-mark board-at-risk' },
  OVERDUE: { text: 'Overdue', className: 'board-mark board-overdue' },
};

interface CardProps {
  readonly order: BoardCardOrder;
  readonly standing: PromiseStanding | null;
  readonly move: CardMove | null;
  /** After the server answered a move: done (the board reloads) or refused (the board reloads too). */
  readonly onMoved: (done: boolean, text: string) => void;
  /** A refusal of this card's last move, kept by the board: the card may have been remounted (another lane) since. */
  readonly refusal: string | null;
  readonly onRefused: (id: string, text: string) => void;
  /** The board hands each card a way to be moved from a drop: the card runs the command itself. */
  readonly register: (id: string, run: (() => void) | null) => void;
  readonly onDragging: (dragging: { readonly id: string; readonly to: ProductionOrderState } | null) => void;
  /** For the on-hold lane: the stage the order waits in. */
  readonly stageLabel?: string;
}

/**
 * One order on the board: reference, garments, ETA with its at-risk or overdue mark (in words,
 * not colour alone), and the one move the rules allow, by its button (keyboard) or by dragging
 * it to the next column. Nothing moves until the server answered; a refusal is told on the card.
 */
export function BoardCard({
  order,
  standing,
  move,
  onMoved,
  refusal,
  onRefused,
  register,
  onDragging,
  stageLabel,
}: CardProps) {
  const command = useCommand();
  const { outcome } = command;
  useEffect(() => {
    if (outcome.kind === 'refused' || outcome.kind === 'conflict') onRefused(order.id, outcome.text);
  }, [outcome, order.id, onRefused]);
  const card = useRef<HTMLElement>(null);
  const reasonId = useId();
  const headingId = useId();
  const mark = standing ? STANDING_MARKS[standing] : null;
  const garments = order.lineItems.reduce<Partial<Record<string, number>>>((sum, item) => {
    sum[item.technique] = (sum[item.technique] ?? 0) + item.quantity;
    return sum;
  }, {});
  const send = (tracking?: TrackingInput) =>
    command
      .run(
        `Moving to ${move?.toLabel ?? ''}…`,
        () =>
          customerClient.request(OpsSetOrderStatusMutation, {
            id: order.id,
            status: move!.to,
            expectedVersion: order.version,
            ...(tracking ? { tracking } : {}),
          }),
        (answer) => `${order.reference} moved to ${answer.setOrderStatus.statusLabel}.`,
      )
      .then((done) => onMoved(done, `${order.reference} moved to ${move?.toLabel ?? ''}.`));
  const canMove = move !== null && move.allowed && !command.pending;
  // A drop on the next column: the fulfilment first asks for its tracking details (the dialog).
  const runFromDrop = () => {
    if (!move) return;
    if (move.fulfil) card.current?.querySelector<HTMLButtonElement>('button[aria-haspopup="dialog"]')?.click();
    else void send();
  };
  const registerRef = (element: HTMLElement | null) => {
    card.current = element;
    register(order.id, element && canMove ? runFromDrop : null);
  };
  const dragStart = (event: DragEvent) => {
    if (!move) return;
    event.dataTransfer.effectAllowed = 'move';
    event.dataTransfer.setData('text/plain', order.id);
    onDragging({ id: order.id, to: move.to });
  };
  return (
    <article
      ref={registerRef}
      className={`board-card${command.pending ? ' board-card-busy' : ''}`}
      aria-labelledby={headingId}
      data-order-id={order.id}
      data-standing={standing ?? 'none'}
      tabIndex={-1}
      draggable={canMove}
      onDragStart={dragStart}
      onDragEnd={() => onDragging(null)}
    >
      <h3 id={headingId}>
        <Link href={`/ops/orders/${order.id}`}>{order.reference}</Link>
      </h3>
      <p className="board-card-line">
        {mark ? (
          <strong className={mark.className} data-testid="standing">
            {mark.text}
          </strong>
        ) : null}{' '}
        <EtaCell row={order} />
      </p>
      <p className="board-card-line muted">
        {priorityLabel(order.priority)}
        {stageLabel ? ` · waiting in ${stageLabel}` : ''}
        {order.garment ? ` · ${order.garment.title}` : ''}
      </p>
      <p className="board-card-line">
        {Object.entries(garments)
          .map(([technique, quantity]) => `${techniqueLabel(technique as never)} ${quantity}`)
          .join(' · ')}
      </p>
      {order.holdReason ? <p className="board-card-line">On hold: {order.holdReason}</p> : null}
      {move ? (
        <div className="board-card-move">
          {move.fulfil ? (
            <OpsDialog
              label={`Move to ${move.toLabel}…`}
              title={`Fulfil order ${order.reference}`}
              submitLabel="Fulfil order"
              busyLabel="Fulfilling…"
              disabled={!canMove}
              describedBy={move.allowed ? undefined : reasonId}
              onSubmit={(fields) => send(trackingOf(fields))}
              returnFocus={() => card.current?.querySelector<HTMLElement>('[aria-live]') ?? null}
            >
              <FulfilFields />
            </OpsDialog>
          ) : (
            <button
              type="button"
              disabled={!canMove}
              aria-describedby={move.allowed ? undefined : reasonId}
              onClick={() => void send()}
            >
              {command.pending ? `Moving to ${move.toLabel}…` : `Move to ${move.toLabel}`}
            </button>
          )}
          {move.allowed ? null : (
            <span id={reasonId} className="ops-reason" data-testid="reason">
              {move.reason}
            </span>
          )}
        </div>
      ) : null}
      <CommandOutcomeText
        outcome={outcome.kind === 'idle' && refusal ? { kind: 'refused', text: refusal, code: 'REFUSED' } : outcome}
        testId="move-outcome"
      />
    </article>
  );
}
