import type { ShopCalendarQuery as ShopCalendarResult, ShopMetricsQuery as ShopMetricsResult } from '../gql/graphql.ts';
import { graphql } from '../gql/index.ts';

export type ShopMetrics = ShopMetricsResult['shopMetrics'];
export type ShopCalendar = ShopCalendarResult['shopCalendar'];

/** The shop's time zone and the day it is there: the presets' last day, whatever the browser's zone. */
export const ShopCalendarQuery = graphql(`
  query ShopCalendar {
    shopCalendar {
      timeZone
      today
    }
  }
`);

/** Every figure of `/ops/metrics`, for one period and filter. */
export const ShopMetricsQuery = graphql(`
  query ShopMetrics($from: String!, $to: String!, $priority: Priority, $technique: Technique) {
    shopMetrics(from: $from, to: $to, priority: $priority, technique: $technique) {
      from
      to
      stages {
        day
        stage
        entered
        enteredGarments
        inProgress
        inProgressGarments
      }
      leadTimes {
        byPriority {
          priority
          completed
          p50Minutes
          p90Minutes
        }
        byTechnique {
          technique
          completed
          p50Minutes
          p90Minutes
        }
      }
      onTime {
        weekStart
        completed
        onTime
        rate
      }
      holds {
        started
        ended
        heldMs
        topReasons {
          reason
          holds
          heldMs
        }
      }
    }
  }
`);
