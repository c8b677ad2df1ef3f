import { useId, useState } from 'react';
import { customerClient } from '../client/clients.ts';
import { ApiError } from '../client/errors.ts';
import { OpsOrderQuery, OpsUpdateOrderNotesMutation } from '../client/opsOrderDocuments.ts';
import { changesSince, type OpsOrder, type OrderChanges } from '../opsOrderChanges.ts';
import { CommandOutcomeText, useCommand } from './OpsCommand.tsx';

/** An edit in progress: the operator's text and the order it started from (whose version the save names). */
interface Edit {
  readonly text: string;
  readonly base: OpsOrder;
}

/**
 * The order's notes, editable. While the operator edits, the textarea holds their text and the
 * live order never overwrites it; the save names the version the edit started from. When someone
 * else changed the order meanwhile (VERSION_CONFLICT) the page loads the order as it is now, shows
 * what changed since the edit started (fields, other notes, new timeline entries), keeps the text,
 * and the next save is against the new version.
 */
export function OpsNotes({ order, onOrder }: { order: OpsOrder; onOrder: (order: OpsOrder) => void }) {
  const [edit, setEdit] = useState<Edit | null>(null);
  const [conflict, setConflict] = useState<OrderChanges | null>(null);
  const command = useCommand();
  const fieldId = useId();
  const check = order.allowedActions.find((entry) => entry.action === 'UPDATE_NOTES');
  const allowed = check?.allowed ?? false;
  const reasonId = useId();

  const save = async () => {
    if (!edit) return;
    const started = edit;
    let conflictSeen = false;
    const ok = await command.run(
      'Saving the notes…',
      async () => {
        try {
          return await customerClient.request(OpsUpdateOrderNotesMutation, {
            id: order.id,
            notes: started.text,
            expectedVersion: started.base.version,
          });
        } catch (error) {
          if (error instanceof ApiError && error.code === 'VERSION_CONFLICT') {
            conflictSeen = true;
            // The live update may not have arrived yet: ask the server what the order is now.
            const now = (await customerClient.request(OpsOrderQuery, { id: order.id })).order;
            if (now) {
              setConflict(changesSince(started.base, now));
              // The next save is against the version just shown, with the operator's text kept.
              setEdit({ text: started.text, base: now });
              onOrder(now);
            }
          }
          throw error;
        }
      },
      (answer) => {
        onOrder(answer.updateOrderNotes);
        return `Notes saved (version ${answer.updateOrderNotes.version}).`;
      },
      'Not saved: someone else changed the order since you started editing. Your text is kept; see what changed above, then save again or discard it.',
    );
    if (ok) {
      setEdit(null);
      setConflict(null);
    } else if (!conflictSeen) setConflict(null);
  };

  const text = edit ? edit.text : (order.notes ?? '');
  const changedSinceEdit = edit !== null && edit.base.version !== order.version && conflict === null;
  return (
    <section className="card" aria-labelledby="notes-heading">
      <h2 id="notes-heading">Notes</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <p className="field">
          <label htmlFor={fieldId}>Notes for operators (customers never see them)</label>
          <textarea
            id={fieldId}
            name="notes"
            rows={4}
            value={text}
            readOnly={!allowed}
            aria-describedby={allowed ? undefined : reasonId}
            data-testid="notes"
            onChange={(event) => setEdit({ text: event.target.value, base: edit?.base ?? order })}
          />
        </p>
        {!allowed && check?.reason ? (
          <p id={reasonId} className="ops-reason">
            {check.reason}
          </p>
        ) : null}
        <p className="muted" data-testid="notes-base">
          {edit
            ? `Editing from version ${edit.base.version}; saving replaces the notes of that version.`
            : `Version ${order.version}; the notes shown are live until you start typing.`}
        </p>
        {changedSinceEdit ? (
          <p className="ops-warning">
            The order changed since you started editing (now version {order.version}). Saving will be refused and show
            what changed.
          </p>
        ) : null}
        {conflict ? <ConflictReport changes={conflict} /> : null}
        <p className="ops-buttons">
          <button type="submit" className="button-primary" disabled={!allowed || !edit || command.pending}>
            {command.pending ? 'Saving…' : conflict ? `Save my notes over version ${conflict.toVersion}` : 'Save notes'}
          </button>
          <button
            type="button"
            disabled={!edit || command.pending}
            onClick={() => {
              setEdit(null);
              setConflict(null);
              command.reset();
            }}
          >
            Discard my edit
          </button>
        </p>
        <CommandOutcomeText outcome={command.outcome} testId="notes-outcome" />
      </form>
    </section>
  );
}

/** What someone else changed between the version an edit started from and the version now. */
function ConflictReport({ changes }: { changes: OrderChanges }) {
  return (
    <div className="ops-conflict" data-testid="notes-conflict">
      <h3>
        Someone else changed this order (version {changes.fromVersion} → {changes.toVersion})
      </h3>
      <p>
        Your text is still in the notes field above, not saved. Review what changed, then save it again or discard it.
      </p>
      {changes.otherNotes !== undefined ? (
        <>
          <p>The notes are now:</p>
          <blockquote data-testid="other-notes">{changes.otherNotes || '(empty)'}</blockquote>
        </>
      ) : null}
      {changes.fields.length > 0 ? (
        <>
          <p>Changed fields:</p>
          <ul data-testid="changed-fields">
            {changes.fields.map((change) => (
              <li key={change.field}>
                <strong>{change.field}</strong>: {change.before} → {change.after}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {changes.newEntries.length > 0 ? (
        <>
          <p>New on the timeline:</p>
          <ul data-testid="new-entries">
            {changes.newEntries.map((entry) => (
              <li key={entry.id}>
                {entry.label}
                {entry.message ? `: ${entry.message}` : ''} (by {entry.actor.type.toLowerCase()} {entry.actor.id})
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
