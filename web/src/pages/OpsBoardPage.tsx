import { useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { customerClient } from '../client/clients.ts';
import { ApiError } from '../client/errors.ts';
import type { Connection } from '../client/resumableFeed.ts';
import { ConnectionBanner } from '../components/ConnectionBanner.tsx';
import { OpsLayout } from '../components/OpsLayout.tsx';
import type { ProductionOrderState } from '../gql/graphql.ts';
import { techniqueLabel } from '../format.ts';
import { BoardCard, moveOf } from '../ops/BoardCard.tsx';
import { ProductionBoardQuery, type Board, type BoardColumnView } from '../ops/boardDocuments.ts';
import { followOrders } from '../ops/liveOrders.ts';
import { Link } from '../router.tsx';
import '../ops-board.css';

/** Cards per column: the rest is counted by the server and linked to the filtered list. */
const CARDS_PER_COLUMN = 20;
/** Live changes reload the board at most this often (a busy shop changes many orders a second). */
const RELOAD_EVERY_MS = 1000;

type Dragging = { readonly id: string; readonly to: ProductionOrderState } | null;

/** `/ops/board`: the production board, for operators (checked before anything is loaded). */
export function OpsBoardPage() {
  return (
    <OpsLayout title="Production board">
      <ProductionBoard />
    </OpsLayout>
  );
}

const asApiError = (caught: unknown) =>
  caught instanceof ApiError ? caught : new ApiError('The request failed.', 'NETWORK', true);

/**
 * Loads the board, and again (at most once a second) whenever `ordersChanged` tells of a change:
 * the counts are the server's over every order, never summed here.
 */
function useBoard() {
  const [board, setBoard] = useState<Board | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [connection, setConnection] = useState<Connection>('connecting');
  const loading = useRef(false);
  const again = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const lastLoad = useRef(0);
  const load = useCallback(async (): Promise<void> => {
    if (loading.current) {
      again.current = true;
      return;
    }
    loading.current = true;
    lastLoad.current = performance.now();
    try {
      const answer = await customerClient.request(ProductionBoardQuery, { cardsPerColumn: CARDS_PER_COLUMN });
      setBoard(answer.productionBoard);
      setError(null);
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      loading.current = false;
      if (again.current) {
        again.current = false;
        void load();
      }
    }
  }, []);
  const changed = useCallback(() => {
    if (timer.current !== undefined) return;
    const wait = Math.max(0, RELOAD_EVERY_MS - (performance.now() - lastLoad.current));
    timer.current = setTimeout(() => {
      timer.current = undefined;
      void load();
    }, wait);
  }, [load]);
  useEffect(() => {
    void load();
    const stop = followOrders(
      customerClient,
      {},
      {
        order: changed,
        connection: (next) => setConnection(next),
        resumed: () => void load(),
      },
    );
    return () => {
      stop();
      clearTimeout(timer.current);
    };
  }, [load, changed]);
  return { board, error, connection, load };
}

function ProductionBoard() {
  const { board, error, connection, load } = useBoard();
  const [dragging, setDragging] = useState<Dragging>(null);
  const [announcement, setAnnouncement] = useState('');
  const [refusals, setRefusals] = useState<ReadonlyMap<string, string>>(new Map());
  const focusAfterLoad = useRef<string | null>(null);
  const droppers = useRef(new Map<string, () => void>());
  const register = useCallback((id: string, run: (() => void) | null) => {
    if (run) droppers.current.set(id, run);
    else droppers.current.delete(id);
  }, []);
  const onRefused = useCallback((id: string, text: string) => {
    setRefusals((current) => (current.get(id) === text ? current : new Map(current).set(id, text)));
  }, []);
  const onMoved = useCallback(
    (id: string) => (done: boolean, text: string) => {
      if (done) {
        setAnnouncement(text);
        focusAfterLoad.current = id;
        setRefusals((current) => {
          if (!current.has(id)) return current;
          const next = new Map(current);
          next.delete(id);
          return next;
        });
      }
      // Either way the board shows what the server has now (a refusal: the card stays, with its reason).
      void load();
    },
    [load],
  );
  useEffect(() => {
    const id = focusAfterLoad.current;
    if (!board || !id) return;
    const card = document.querySelector<HTMLElement>(`[data-order-id="${id}"]`);
    if (card) {
      focusAfterLoad.current = null;
      card.focus();
    }
  }, [board]);

  if (!board) {
    return (
      <>
        <h1>Production board</h1>
        {error ? (
          <p role="alert" className="error">
            The board could not be loaded: {error.message}
          </p>
        ) : (
          <p role="status">Loading the board…</p>
        )}
      </>
    );
  }
  const labelOf = (state: ProductionOrderState) =>
    board.columns.find((column) => column.orderStatus === state)?.label ?? state;
  const drop = (column: BoardColumnView) => (event: DragEvent) => {
    event.preventDefault();
    const id = dragging?.id ?? event.dataTransfer.getData('text/plain');
    setDragging(null);
    if (dragging && dragging.to === column.orderStatus) droppers.current.get(id)?.();
  };
  const cardsOf = (column: BoardColumnView, onHold: boolean) =>
    column.cards.map(({ order, standing }) => (
      <li key={order.id}>
        <BoardCard
          order={order}
          standing={standing}
          move={moveOf(order, labelOf)}
          onMoved={onMoved(order.id)}
          refusal={refusals.get(order.id) ?? null}
          onRefused={onRefused}
          register={register}
          onDragging={setDragging}
          {...(onHold ? { stageLabel: labelOf(order.orderStatus) } : {})}
        />
      </li>
    ));

  return (
    <div className="ops-board">
      <nav aria-label="Breadcrumb" className="ops-breadcrumb">
        <Link href="/ops/orders">All orders</Link>
      </nav>
      <h1>Production board</h1>
      <ConnectionBanner connection={connection} />
      <p className="muted">
        Cards are sorted by ETA, soonest first. <strong>At risk</strong>: less than a quarter of the promise left;{' '}
        <strong>Overdue</strong>: past the ETA. <strong>Ready today</strong>: made ready since midnight, shop time. Move
        a card with its button, or drag it to the next column.
      </p>
      {error ? (
        <p role="alert" className="error">
          The board could not be reloaded: {error.message}
        </p>
      ) : null}
      <p className="visually-hidden" aria-live="polite" data-testid="board-announcement">
        {announcement}
      </p>
      <div className="board-columns">
        {board.columns.map((column) => {
          const target = dragging !== null && dragging.to === column.orderStatus;
          return (
            <section
              key={column.id}
              className={`board-column${target ? ' board-drop-target' : ''}`}
              aria-labelledby={`board-${column.id}`}
              data-column={column.id}
              onDragOver={(event) => {
                // Only the next column of the dragged card takes it: the one move the rules allow.
                if (target) {
                  event.preventDefault();
                  event.dataTransfer.dropEffect = 'move';
                }
              }}
              onDrop={drop(column)}
            >
              <ColumnHeader column={column} />
              {target ? <p className="board-drop-hint">Drop here to move to {column.label}</p> : null}
              <ol className="board-cards">{cardsOf(column, false)}</ol>
              <More column={column} />
            </section>
          );
        })}
      </div>
      <section className="board-column board-on-hold" aria-labelledby="board-on-hold" data-column="on-hold">
        <ColumnHeader column={board.onHold} />
        <ol className="board-cards board-cards-row">{cardsOf(board.onHold, true)}</ol>
        <More column={board.onHold} />
      </section>
    </div>
  );
}

function ColumnHeader({ column }: { column: BoardColumnView }) {
  return (
    <header className="board-column-header">
      <h2 id={`board-${column.id}`}>
        {column.label} <span data-testid="column-count">({column.count})</span>
      </h2>
      <p className="board-figures" data-testid="column-figures">
        <span className={column.atRisk > 0 ? 'board-mark board-at-risk' : undefined}>{column.atRisk} at risk</span>
        {' · '}
        <span className={column.overdue > 0 ? 'board-mark board-overdue' : undefined}>{column.overdue} overdue</span>
      </p>
      <p className="board-figures muted" data-testid="column-garments">
        {column.garments.map((row) => `${techniqueLabel(row.technique)} ${row.quantity}`).join(' · ')} garments
      </p>
    </header>
  );
}

function More({ column }: { column: BoardColumnView }) {
  if (column.moreCount === 0) return null;
  // The list filters by status, not by the day an order became ready: Ready's link says it shows them all.
  const [href, text] =
    column.orderStatus === 'FULFILLED'
      ? ['/ops/orders?status=FULFILLED', `${column.moreCount} more ready today: list every fulfilled order`]
      : column.orderStatus
        ? [
            `/ops/orders?status=${column.orderStatus}&priority=RUSH,STANDARD`,
            `${column.moreCount} more in ${column.label}`,
          ]
        : ['/ops/orders?priority=HOLD', `${column.moreCount} more in ${column.label}`];
  return (
    <p className="board-more">
      <Link href={href}>{text}</Link>
    </p>
  );
}
