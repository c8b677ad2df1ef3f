import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';

/**
 * A button that opens a modal form (`<dialog>`): the dialog takes focus (its first field), Escape
 * or Close dismisses it, and focus goes back to the button that opened it, or to `returnFocus`
 * (the outcome) when that button is gone or disabled once the answer is shown. `onSubmit` sends the command; the
 * dialog stays open, busy, until the server answered, then closes.
 */
export function OpsDialog({
  label,
  title,
  submitLabel,
  busyLabel,
  disabled,
  describedBy,
  danger = false,
  onSubmit,
  returnFocus,
  children,
}: {
  label: string;
  title: string;
  submitLabel: string;
  busyLabel: string;
  disabled: boolean;
  describedBy?: string | undefined;
  danger?: boolean;
  /** Gets the form's fields; resolves when the server answered (whatever it said). */
  onSubmit: (fields: FormData) => Promise<unknown>;
  returnFocus: () => HTMLElement | null;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const [busy, setBusy] = useState(false);
  const titleId = useId();

  const returnFocusRef = useRef(returnFocus);
  returnFocusRef.current = returnFocus;
  // Focus goes back once React has shown the answer (the button may be disabled or gone by then),
  // so it is returned from an effect after the close, not from the close event itself.
  const restorePending = useRef(false);
  const closedBySubmit = useRef(false);
  const [closings, setClosings] = useState(0);
  useEffect(() => {
    if (!restorePending.current) return;
    restorePending.current = false;
    const button = opener.current;
    const target = button && button.isConnected && !button.disabled ? button : returnFocusRef.current();
    target?.focus();
  }, [closings]);
  // The answer may replace this dialog (a hold swaps Hold… for the release buttons): an open
  // dialog removed from the page fires no close event, and no effect of this one runs again.
  useEffect(() => {
    const element = dialog.current;
    return () => {
      if (element?.open || restorePending.current) requestAnimationFrame(() => returnFocusRef.current()?.focus());
    };
  }, []);

  const open = () => dialog.current?.showModal();
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    setBusy(true);
    try {
      await onSubmit(new FormData(form));
    } finally {
      setBusy(false);
      form.reset();
      // Asked for here, not in the close event: that event comes a task later, and by then the
      // answer may have removed this dialog, whose events then reach no handler.
      restorePending.current = true;
      closedBySubmit.current = true;
      setClosings((count) => count + 1);
      dialog.current?.close();
    }
  };

  return (
    <>
      <button
        type="button"
        ref={opener}
        className={danger ? 'button-danger' : undefined}
        disabled={disabled || busy}
        aria-describedby={describedBy}
        aria-haspopup="dialog"
        onClick={open}
      >
        {busy ? busyLabel : label}
      </button>
      <dialog
        ref={dialog}
        className="ops-dialog"
        aria-labelledby={titleId}
        onClose={() => {
          // Escape or Close; a submit's close has already asked for focus to come back.
          if (closedBySubmit.current) {
            closedBySubmit.current = false;
            return;
          }
          restorePending.current = true;
          setClosings((count) => count + 1);
        }}
      >
        <form method="dialog" onSubmit={(event) => void submit(event)}>
          <h2 id={titleId}>{title}</h2>
          {children}
          <p className="ops-dialog-buttons">
            <button type="submit" className={danger ? 'button-danger' : 'button-primary'} disabled={busy}>
              {busy ? busyLabel : submitLabel}
            </button>{' '}
            <button type="button" disabled={busy} onClick={() => dialog.current?.close()}>
              Close
            </button>
          </p>
        </form>
      </dialog>
    </>
  );
}
