import { useEffect, useState, type FormEvent } from 'react';
import { listFilterSearch } from './filter.ts';
import {
  EMPTY_FILTER,
  ORDER_STATES,
  PRIORITY_NAMES,
  PRIORITY_VALUES,
  STATE_LABELS,
  type ListFilter,
} from './filter.ts';

function toggled<T>(list: readonly T[], item: T, on: boolean): T[] {
  return on ? [...list.filter((each) => each !== item), item] : list.filter((each) => each !== item);
}

/**
 * The list's filter. What the operator types stays a draft here until applied (Enter or "Apply
 * filters"): live changes to the list never touch it. When the address changes (applied, back,
 * a link) the draft takes what is shown; the form stays mounted, so focus stays on the button.
 */
export function FilterForm({ filter, onApply }: { filter: ListFilter; onApply: (filter: ListFilter) => void }) {
  const [draft, setDraft] = useState<ListFilter>(filter);
  const shown = listFilterSearch(filter);
  useEffect(() => {
    setDraft(filter);
    // Keyed on the query string: only when what is shown changes, not on every equal filter object.
  }, [shown]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(draft);
  };
  return (
    <form className="card filters" onSubmit={submit} aria-labelledby="filters-heading">
      <h2 id="filters-heading">Filter</h2>
      <div className="filter-grid">
        <fieldset>
          <legend>Status</legend>
          {ORDER_STATES.map((state) => (
            <label key={state} className="check">
              <input
                type="checkbox"
                name="status"
                value={state}
                checked={draft.statuses.includes(state)}
                onChange={(event) =>
                  setDraft({ ...draft, statuses: toggled(draft.statuses, state, event.target.checked) })
                }
              />
              {STATE_LABELS[state]}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Priority</legend>
          {PRIORITY_VALUES.map((priority) => (
            <label key={priority} className="check">
              <input
                type="checkbox"
                name="priority"
                value={priority}
                checked={draft.priorities.includes(priority)}
                onChange={(event) =>
                  setDraft({ ...draft, priorities: toggled(draft.priorities, priority, event.target.checked) })
                }
              />
              {PRIORITY_NAMES[priority]}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Created</legend>
          <label htmlFor="filter-from">From (day)</label>
          <input
            id="filter-from"
            type="date"
            value={draft.from}
            max={draft.to || undefined}
            onChange={(event) => setDraft({ ...draft, from: event.target.value })}
          />
          <label htmlFor="filter-to">To (day, inclusive)</label>
          <input
            id="filter-to"
            type="date"
            value={draft.to}
            min={draft.from || undefined}
            onChange={(event) => setDraft({ ...draft, to: event.target.value })}
          />
        </fieldset>
        <div className="filter-text">
          <label htmlFor="filter-customer">Customer (user id)</label>
          <input
            id="filter-customer"
            type="text"
            value={draft.customer}
            spellCheck={false}
            autoComplete="off"
            onChange={(event) => setDraft({ ...draft, customer: event.target.value })}
          />
          <label htmlFor="filter-q">Search reference and notes</label>
          <input
            id="filter-q"
            type="search"
            value={draft.q}
            maxLength={200}
            onChange={(event) => setDraft({ ...draft, q: event.target.value })}
          />
        </div>
      </div>
      <div className="actions">
        <button type="submit" className="button-primary">
          Apply filters
        </button>
        <button type="button" onClick={() => onApply(EMPTY_FILTER)}>
          Clear filters
        </button>
      </div>
    </form>
  );
}
