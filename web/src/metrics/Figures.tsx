import { useMemo, type ReactNode } from 'react';
import type { ProductionStatus } from '../gql/graphql.ts';
import { priorityLabel, techniqueLabel } from '../format.ts';
import type { ChartSeries } from './Chart.tsx';
import { ChartSlot } from './ChartSlot.tsx';
import type { ShopMetrics } from './documents.ts';
import './metrics.css';

/** Each stage's name and colour (a stage added to the schema fails `npm run typecheck` until named here). */
const STAGES: Readonly<Record<ProductionStatus, { readonly name: string; readonly color: string }>> = {
  SPEC_REVIEW: { name: 'Spec review', color: '#6b46c1' },
  QUEUED: { name: 'Queued', color: '#2b6cb0' },
  PRINTING: { name: 'Printing', color: '#c05621' },
  FINISHING: { name: 'Finishing', color: '#2f855a' },
  READY: { name: 'Ready', color: '#1a202c' },
};
const STAGE_ORDER = Object.keys(STAGES) as ProductionStatus[];
const IN_PROGRESS_STAGES = STAGE_ORDER.filter((stage) => stage !== 'READY');

const count = (value: number) => String(Math.round(value * 100) / 100);
const percent = (value: number) => `${Math.round(value)}%`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `2.5 h`, `3 d 4 h`: a lead time or a time on hold. */
export function durationText(minutes: number): string {
  if (minutes < 48 * 60) return `${Math.round((minutes / 60) * 10) / 10} h`;
  const hours = Math.round(minutes / 60);
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Every figure of one answer: charts with their numbers beside them, and the tables. */
export function Figures({ metrics }: { metrics: ShopMetrics }) {
  const byDay = useMemo(() => {
    const days = [...new Set(metrics.stages.map((row) => row.day))];
    const cell = new Map(metrics.stages.map((row) => [`${row.day} ${row.stage}`, row]));
    const column = (stage: ProductionStatus, pick: (row: ShopMetrics['stages'][number]) => number | null) =>
      days.map((day) => {
        const row = cell.get(`${day} ${stage}`);
        return row ? pick(row) : null;
      });
    const entered: ChartSeries[] = STAGE_ORDER.map((stage) => ({
      label: STAGES[stage].name,
      color: STAGES[stage].color,
      values: column(stage, (row) => row.entered),
    }));
    const inProgress: ChartSeries[] = IN_PROGRESS_STAGES.map((stage) => ({
      label: STAGES[stage].name,
      color: STAGES[stage].color,
      values: column(stage, (row) => row.inProgress),
    }));
    return { days, entered, inProgress };
  }, [metrics]);
  const weeks = useMemo(() => {
    const days = metrics.onTime.map((week) => week.weekStart);
    const rate: ChartSeries[] = [
      { label: 'On time', color: '#2f855a', values: metrics.onTime.map((week) => week.rate * 100) },
    ];
    return { days, rate };
  }, [metrics]);

  const total = (series: ChartSeries) => series.values.reduce<number>((sum, value) => sum + (value ?? 0), 0);
  const anyEntered = byDay.entered.some((series) => total(series) > 0);
  const anyInProgress = byDay.inProgress.some((series) => total(series) > 0);
  const last = byDay.days.length - 1;
  const completed = metrics.onTime.reduce((sum, week) => sum + week.completed, 0);
  const onTime = metrics.onTime.reduce((sum, week) => sum + week.onTime, 0);

  return (
    <div className="figures">
      <Figure
        id="throughput"
        title="Throughput: orders entering each stage per day"
        empty={anyEntered ? null : 'No order entered a stage in this period.'}
        summary={byDay.entered.map((series) => `${series.label} ${total(series)}`).join(', ') + ' in the period.'}
        chart={
          <ChartSlot
            id="throughput"
            label="Line chart of the orders entering each stage per day; the numbers are in the table below."
            kind="line"
            days={byDay.days}
            series={byDay.entered}
            format={count}
          />
        }
        table={<DayTable caption="Orders entering each stage per day" days={byDay.days} series={byDay.entered} />}
      />
      <Figure
        id="wip"
        title="Work in progress at the end of each day"
        empty={anyInProgress ? null : 'No order was in progress in this period.'}
        summary={`At the end of ${byDay.days[last] ?? 'the period'}: ${byDay.inProgress
          .map((series) => `${series.label} ${series.values[last] ?? 0}`)
          .join(', ')}.`}
        chart={
          <ChartSlot
            id="wip"
            label="Line chart of the orders in each stage at the end of each day; the numbers are in the table below."
            kind="line"
            days={byDay.days}
            series={byDay.inProgress}
            format={count}
          />
        }
        table={
          <DayTable caption="Orders in each stage at the end of each day" days={byDay.days} series={byDay.inProgress} />
        }
      />
      <Figure
        id="on-time"
        title="On-time rate per week"
        empty={completed ? null : 'No order became ready in this period.'}
        summary={`${onTime} of ${plural(completed, 'order')} ready before their promise (${percent(
          completed ? (onTime / completed) * 100 : 0,
        )}); time on hold does not count against the promise.`}
        chart={
          <ChartSlot
            id="on-time"
            label="Bar chart of the share of orders ready on time, per week; the numbers are in the table below."
            kind="bars"
            stepDays={7}
            days={weeks.days}
            series={weeks.rate}
            format={percent}
          />
        }
        table={
          <table>
            <caption>On-time rate per week (weeks start on Monday)</caption>
            <thead>
              <tr>
                <th scope="col">Week of</th>
                <th scope="col">Ready</th>
                <th scope="col">On time</th>
                <th scope="col">Rate</th>
              </tr>
            </thead>
            <tbody>
              {metrics.onTime.map((week) => (
                <tr key={week.weekStart}>
                  <th scope="row">{week.weekStart}</th>
                  <td className="num">{week.completed}</td>
                  <td className="num">{week.onTime}</td>
                  <td className="num">{percent(week.rate * 100)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
      />
      <LeadTimes metrics={metrics} />
      <Holds metrics={metrics} />
    </div>
  );
}

/** A chart's section: its title, what it says in one sentence, the chart, and its numbers as a table. */
function Figure(props: {
  id: string;
  title: string;
  empty: string | null;
  summary: string;
  chart: ReactNode;
  table: ReactNode;
}) {
  return (
    <section className="card figure" aria-labelledby={`${props.id}-heading`} data-figure={props.id}>
      <h2 id={`${props.id}-heading`}>{props.title}</h2>
      {props.empty ? (
        <p data-testid={`${props.id}-empty`}>{props.empty}</p>
      ) : (
        <>
          <p data-testid={`${props.id}-summary`}>{props.summary}</p>
          {props.chart}
          <details>
            <summary>The numbers</summary>
            <div className="table-scroll">{props.table}</div>
          </details>
        </>
      )}
    </section>
  );
}

function DayTable({
  caption,
  days,
  series,
}: {
  caption: string;
  days: readonly string[];
  series: readonly ChartSeries[];
}) {
  return (
    <table data-testid="day-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Day</th>
          {series.map((each) => (
            <th scope="col" key={each.label}>
              {each.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {days.map((day, index) => (
          <tr key={day}>
            <th scope="row">{day}</th>
            {series.map((each) => (
              <td className="num" key={each.label}>
                {each.values[index] ?? '–'}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function LeadTimes({ metrics }: { metrics: ShopMetrics }) {
  const rows = [
    ...metrics.leadTimes.byPriority.map((row) => ({
      key: `p-${row.priority ?? 'all'}`,
      name: row.priority ? `${priorityLabel(row.priority)} priority` : 'Every order',
      ...row,
    })),
    ...metrics.leadTimes.byTechnique.map((row) => ({
      key: `t-${row.technique ?? ''}`,
      name: row.technique ? techniqueLabel(row.technique) : '',
      ...row,
    })),
  ];
  return (
    <section className="card figure" aria-labelledby="lead-heading" data-figure="lead-times">
      <h2 id="lead-heading">Lead time, payment to ready</h2>
      {rows.length === 0 ? (
        <p data-testid="lead-times-empty">No order became ready in this period.</p>
      ) : (
        <div className="table-scroll">
          <table data-testid="lead-times">
            <caption>Half of the orders were ready within the median; nine in ten within the 90th percentile.</caption>
            <thead>
              <tr>
                <th scope="col">Orders</th>
                <th scope="col">Ready</th>
                <th scope="col">Median</th>
                <th scope="col">90th percentile</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.key}>
                  <th scope="row">{row.name}</th>
                  <td className="num">{row.completed}</td>
                  <td className="num">{durationText(row.p50Minutes)}</td>
                  <td className="num">{durationText(row.p90Minutes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Holds({ metrics }: { metrics: ShopMetrics }) {
  const { holds } = metrics;
  return (
    <section className="card figure" aria-labelledby="holds-heading" data-figure="holds">
      <h2 id="holds-heading">Time on hold</h2>
      {holds.started === 0 ? (
        <p data-testid="holds-empty">No order was put on hold in this period.</p>
      ) : (
        <>
          <p data-testid="holds-summary">
            {plural(holds.started, 'hold')} started; {holds.ended} of them ended, after{' '}
            {durationText(holds.heldMs / 60_000)} on hold in all.
          </p>
          <div className="table-scroll">
            <table data-testid="hold-reasons">
              <caption>The reasons most often given</caption>
              <thead>
                <tr>
                  <th scope="col">Reason</th>
                  <th scope="col">Holds</th>
                  <th scope="col">Time on hold (ended)</th>
                </tr>
              </thead>
              <tbody>
                {holds.topReasons.map((reason) => (
                  <tr key={reason.reason}>
                    <th scope="row">{reason.reason}</th>
                    <td className="num">{reason.holds}</td>
                    <td className="num">{durationText(reason.heldMs / 60_000)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
