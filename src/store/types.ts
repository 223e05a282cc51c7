/** A row as the driver returns it: column name to value. */
export type Row = Record<string, unknown>;

/** What Norma asks of a database connection: parameterised queries and COPY of CSV text, both ways. */
export interface Queryable {
  /**
   * Runs one statement with `$1..$n` parameters and returns its rows.
   * @example const rows = await db.query<{ n: number }>('select count(*)::int as n from unit where org = $1', [org]);
   */
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs several statements without parameters (migrations, DDL). */
  exec(sql: string): Promise<void>;
  /**
   * Loads CSV text (no header) into `table(columns)` with COPY and returns the number of rows.
   * @example await db.copyFrom('product', ['org', 'code'], '1,cement\n');
   */
  copyFrom(table: string, columns: readonly string[], csv: string): Promise<number>;
  /**
   * Runs `COPY (query) TO ... WITH (FORMAT csv, HEADER false)` and returns the CSV text (one line per
   * row, no header). The whole result is one string: callers page big tables (e.g. by ctid range).
   * @example const csv = await db.copyTo('select org, code from product order by code'); // '1,cement\n'
   */
  copyTo(query: string): Promise<string>;
}

/** The store: a Queryable plus transactions and lifecycle. */
export interface Store extends Queryable {
  /** `pglite` for the embedded default, `postgres` when DATABASE_URL is set. */
  readonly kind: StoreKind;
  /** Where the data lives, for `norma db info` (a directory or a URL without password). */
  readonly location: string;
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws.
   * @example await store.transaction(async (tx) => { await tx.query('insert ...'); });
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type StoreKind = 'pglite' | 'postgres';

/** A database error with the SQLSTATE code kept, so services can map constraint violations. */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly sqlState: string | undefined,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
