import { useEffect, useState, type FormEvent } from 'react';
import type { Priority, Technique } from '../gql/graphql.ts';
import { techniqueLabel } from '../format.ts';
import {
  metricsFilterSearch,
  presetRange,
  PRESETS,
  PRIORITY_NAMES,
  PRIORITY_VALUES,
  TECHNIQUE_VALUES,
  type MetricsFilter,
} from './period.ts';

/**
 * The period (last 7, 30 or 90 days, or from/to) and the priority and technique. A draft until
 * "Show figures" (or Enter); what the address shows replaces the draft when it changes.
 */
export function MetricsForm({
  filter,
  today,
  timeZone,
  onApply,
}: {
  filter: MetricsFilter;
  /** The shop's today (`YYYY-MM-DD`): the presets' last day. */
  today: string;
  /** The shop's time zone, where its days are counted. */
  timeZone: string;
  onApply: (filter: MetricsFilter) => void;
}) {
  const [draft, setDraft] = useState(filter);
  const shown = metricsFilterSearch(filter);
  useEffect(() => setDraft(filter), [shown]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(draft);
  };
  const setDay = (part: 'from' | 'to', value: string) => setDraft({ ...draft, period: 'custom', [part]: value });
  return (
    <form className="card filters" onSubmit={submit} aria-labelledby="metrics-filter-heading">
      <h2 id="metrics-filter-heading">Period and filter</h2>
      <div className="filter-grid">
        <fieldset>
          <legend>Period</legend>
          {PRESETS.map((days) => (
            <label key={days} className="check">
              <input
                type="radio"
                name="period"
                value={days}
                checked={draft.period === days}
                onChange={() => setDraft({ ...draft, period: days, ...presetRange(days, today) })}
              />
              Last {days} days
            </label>
          ))}
          <label className="check">
            <input
              type="radio"
              name="period"
              value="custom"
              checked={draft.period === 'custom'}
              onChange={() => setDraft({ ...draft, period: 'custom' })}
            />
            From… to…
          </label>
        </fieldset>
        <fieldset>
          <legend data-testid="metrics-days">Days in {timeZone} (the shop&apos;s calendar)</legend>
          <label htmlFor="metrics-from">From</label>
          <input
            id="metrics-from"
            type="date"
            required
            value={draft.from}
            max={draft.to || undefined}
            onChange={(event) => setDay('from', event.target.value)}
          />
          <label htmlFor="metrics-to">To (inclusive)</label>
          <input
            id="metrics-to"
            type="date"
            required
            value={draft.to}
            min={draft.from || undefined}
            onChange={(event) => setDay('to', event.target.value)}
          />
        </fieldset>
        <div className="filter-text">
          <label htmlFor="metrics-priority">Priority</label>
          <select
            id="metrics-priority"
            value={draft.priority ?? ''}
            onChange={(event) => setDraft({ ...draft, priority: (event.target.value || null) as Priority | null })}
          >
            <option value="">Every priority</option>
            {PRIORITY_VALUES.map((priority) => (
              <option key={priority} value={priority}>
                {PRIORITY_NAMES[priority]}
              </option>
            ))}
          </select>
          <label htmlFor="metrics-technique">Technique</label>
          <select
            id="metrics-technique"
            value={draft.technique ?? ''}
            onChange={(event) => setDraft({ ...draft, technique: (event.target.value || null) as Technique | null })}
          >
            <option value="">Every technique</option>
            {TECHNIQUE_VALUES.map((technique) => (
              <option key={technique} value={technique}>
                {techniqueLabel(technique)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="actions">
        <button type="submit" className="button-primary">
          Show figures
        </button>
      </div>
    </form>
  );
}
