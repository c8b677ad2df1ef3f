/** Something the process opened and must close on shutdown. */
export interface Closable {
  readonly name: string;
  close(): Promise<void>;
}

/**
 * Resources in the order they were opened, closed in reverse: what was opened last depends on
 * what came before (the projector on the pool, the pool on the embedded database), so it goes first.
 * A failing close is reported and the rest still close.
 */
export class Closables {
  readonly #items: Closable[] = [];
  #closed: Promise<void> | undefined;

  add(name: string, close: () => Promise<void>): void {
    if (this.#closed) throw new Error(`cannot open ${name}: shutting down`);
    this.#items.push({ name, close });
  }

  get names(): readonly string[] {
    return this.#items.map((item) => item.name);
  }

  /** Closes everything once; later calls wait for the same close. */
  close(onError: (name: string, error: unknown) => void = () => undefined): Promise<void> {
    this.#closed ??= (async () => {
      for (const item of [...this.#items].reverse()) {
        try {
          await item.close();
        } catch (error) {
          onError(item.name, error);
        }
      }
    })();
    return this.#closed;
  }
}
