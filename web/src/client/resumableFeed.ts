import { ApiError } from './errors.ts';
import type { SubscriptionSink } from './graphqlClient.ts';
import { isAfter } from './position.ts';

export type Connection = 'online' | 'offline' | 'connecting';

export interface FeedState<T> {
  /** What is shown: the last value loaded or received; null before the first load or when not found. */
  readonly value: T | null;
  readonly connection: Connection;
  /** Why the feed stopped or cannot load (NOT_FOUND, UNAUTHENTICATED, ...); null when all is well. */
  readonly error: ApiError | null;
}

/** Where a feed's values come from. */
export interface FeedSource<T> {
  /** The value as it is now; null when it does not exist (or is not the viewer's). */
  load(): Promise<T | null>;
  /** Every change after `afterPosition`: first what was missed since then, then live. */
  subscribe(afterPosition: string, sink: SubscriptionSink<T>): () => void;
  /** A value's position, for `afterPosition` and to drop what is already shown. */
  position(value: T): string;
}

export interface FeedOptions {
  /** The wait before the nth reconnect (0-based), in ms. Default: 0.5 s doubling up to 15 s, with jitter. */
  readonly backoff?: (attempt: number) => number;
}

/** The browser's window events, where there is a window (the feed also runs in Node, in tests). */
const windowEvents = globalThis as unknown as {
  addEventListener?: (type: 'online', listener: () => void) => void;
  removeEventListener?: (type: 'online', listener: () => void) => void;
};

const defaultBackoff = (attempt: number): number => Math.min(15_000, 500 * 2 ** attempt) * (0.75 + Math.random() * 0.5);

/**
 * A value kept live as a fold: load it, subscribe from its position, take only updates after
 * the position shown, and when the socket drops, subscribe again (with backoff) from the last
 * position shown, so a reconnect misses nothing and shows nothing twice. A server that ends the
 * subscription (restart, revoked link) gets a fresh load first, so a value that is gone shows as
 * not found instead of retrying for ever.
 */
export class ResumableFeed<T> {
  private state: FeedState<T> = { value: null, connection: 'connecting', error: null };
  private stopped = false;
  private attempt = 0;
  private unsubscribe: (() => void) | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private reloadOnRetry = false;
  private wasOnline = false;
  private readonly backoff: (attempt: number) => number;
  private readonly retryNow = () => {
    if (this.retryTimer === undefined) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.connect(this.reloadOnRetry);
  };

  constructor(
    private readonly source: FeedSource<T>,
    private readonly onChange: (state: FeedState<T>) => void,
    options: FeedOptions = {},
  ) {
    this.backoff = options.backoff ?? defaultBackoff;
  }

  start(): void {
    windowEvents.addEventListener?.('online', this.retryNow);
    this.connect(true);
  }

  stop(): void {
    this.stopped = true;
    windowEvents.removeEventListener?.('online', this.retryNow);
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.unsubscribe?.();
  }

  /** Shows a value the page got another way (a mutation's answer) if it is newer than the one shown. */
  offer(value: T): void {
    this.fold(value);
  }

  private set(patch: Partial<FeedState<T>>): void {
    if (this.stopped) return;
    this.state = { ...this.state, ...patch };
    this.onChange(this.state);
  }

  private fold(value: T): void {
    const shown = this.state.value;
    if (shown !== null && !isAfter(this.source.position(value), this.source.position(shown))) return;
    this.set({ value });
  }

  private connect(reload: boolean): void {
    if (this.stopped) return;
    // Reconnecting stays `offline` until live again: the page is not live meanwhile.
    if (!this.wasOnline) this.set({ connection: 'connecting' });
    if (reload || this.state.value === null) void this.loadThenSubscribe();
    else this.subscribeFrom(this.source.position(this.state.value));
  }

  private async loadThenSubscribe(): Promise<void> {
    let value: T | null;
    try {
      value = await this.source.load();
    } catch (error) {
      this.fail(error instanceof ApiError ? error : new ApiError(String(error), 'NETWORK', true), true);
      return;
    }
    if (this.stopped) return;
    if (value === null) {
      this.set({ value: null, connection: 'offline', error: new ApiError('Not found.', 'NOT_FOUND', false) });
      return;
    }
    this.fold(value);
    this.subscribeFrom(this.source.position(this.state.value ?? value));
  }

  private subscribeFrom(afterPosition: string): void {
    if (this.stopped) return;
    this.unsubscribe?.();
    this.unsubscribe = this.source.subscribe(afterPosition, {
      connected: () => {
        this.attempt = 0;
        this.wasOnline = true;
        this.set({ connection: 'online', error: null });
      },
      next: (value) => {
        if (this.state.connection !== 'online') {
          this.wasOnline = true;
          this.set({ connection: 'online', error: null });
        }
        this.fold(value);
      },
      error: (error) => this.fail(error, false),
      complete: () => this.fail(new ApiError('The server ended the live updates.', 'SOCKET_CLOSED', true), true),
    });
  }

  private fail(error: ApiError, reloadFirst: boolean): void {
    // Ended already on the socket's side; this also drops an operation the server may still hold open.
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.stopped) return;
    if (!error.transient) {
      this.set({ connection: 'offline', error });
      return;
    }
    this.set({ connection: 'offline', error: this.state.value === null ? error : null });
    this.reloadOnRetry = reloadFirst;
    this.retryTimer = setTimeout(this.retryNow, this.backoff(this.attempt++));
  }
}
