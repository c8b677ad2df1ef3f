import type { Priority } from '../gql/graphql.ts';
import { priorityLabel } from '../format.ts';

/** The status label; a canceled order shows as canceled (its stored label stays "Spec Review"). */
export function StatusBadge({ statusLabel, canceled }: { statusLabel: string; canceled: boolean }) {
  return (
    <span className={`badge ${canceled ? 'badge-canceled' : 'badge-status'}`} data-testid="status">
      {canceled ? 'Canceled' : statusLabel}
    </span>
  );
}

export function PriorityBadge({ priority }: { priority: Priority }) {
  return (
    <span className={`badge badge-priority-${priority.toLowerCase()}`} data-testid="priority">
      {priorityLabel(priority)} priority
    </span>
  );
}
