/**
 * The PostgreSQL store's ear: one connection of its own (outside the pool, since a LISTEN
 * belongs to a session) that LISTENs on the schema's channel and hands each NOTIFY the audit
 * trigger sends to the store's watchers. NOTIFY is not durable: while this connection is down
 * (a restart, a cut network) notifications are lost, so it reconnects with a growing delay
 * (0.1 s doubling to 5 s) and, once back, announces a change of unknown extent, after which
 * every reader re-reads; between the two, readers fall back on their polling.
 */
import type pg from 'pg';
import type { AuditKind } from './model.js';
import type { StoreChange } from './store.js';

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 5000;

/**
 * A LISTEN connection that reconnects until stopped.
 *
 * @example
 * ```ts
 * const listener = new ChangeListener(pg.Client, config, 'mandate_mandate', (change) => void tail.pump());
 * listener.start();
 * ```
 */
export class ChangeListener {
  readonly #Client: typeof pg.Client;
  readonly #config: pg.ClientConfig;
  readonly #channel: string;
  readonly #onChange: (change: StoreChange) => void;
  #client: pg.Client | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #delay = FIRST_DELAY_MS;
  #running = false;
  #connectedBefore = false;

  constructor(
    Client: typeof pg.Client,
    config: pg.ClientConfig,
    channel: string,
    onChange: (change: StoreChange) => void,
  ) {
    this.#Client = Client;
    this.#config = config;
    this.#channel = channel;
    this.#onChange = onChange;
  }

  /** Whether the LISTEN is in place now. */
  get listening(): boolean {
    return this.#client !== undefined;
  }

  /** Connects (and keeps reconnecting) until `stop`. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#connect();
  }

  /** Stops listening and closes the connection. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    this.#timer = undefined;
    const client = new this.#Client(this.#config);
    let dropped = false;
    const drop = (): void => {
      if (dropped) return;
      dropped = true;
      if (this.#client === client) this.#client = undefined;
      void client.end().catch(() => undefined);
      this.#retry();
    };
    // Every failure of this connection ends in `drop`; the handler stays so that a late error
    // event never goes unhandled.
    client.on('error', drop);
    client.on('end', drop);
    client.on('notification', (message) => {
      if (message.channel === this.#channel) this.#onChange(parseChange(message.payload));
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.#channel}"`);
    } catch {
      drop();
      return;
    }
    if (!this.#running || dropped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#delay = FIRST_DELAY_MS;
    // Whatever was committed while the line was down was announced to nobody here.
    if (this.#connectedBefore) this.#onChange({ seq: 0 });
    this.#connectedBefore = true;
  }

  #retry(): void {
    if (!this.#running || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => void this.#connect(), this.#delay);
    this.#timer.unref();
    this.#delay = Math.min(this.#delay * 2, MAX_DELAY_MS);
  }
}

/** A NOTIFY payload (`{"seq":…,"kinds":[…]}`, written by the audit trigger) as a change. */
function parseChange(payload: string | undefined): StoreChange {
  try {
    const value = JSON.parse(payload ?? '') as { seq?: unknown; kinds?: unknown };
    if (
      typeof value.seq === 'number' &&
      Array.isArray(value.kinds) &&
      value.kinds.every((k) => typeof k === 'string')
    )
      return { seq: value.seq, kinds: value.kinds as AuditKind[] };
  } catch {
    // Not ours to understand: announce a change of unknown extent.
  }
  return { seq: 0 };
}
