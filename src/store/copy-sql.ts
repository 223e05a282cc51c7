const IDENT = /^[a-z_][a-z0-9_]*$/;

/** Builds `COPY table(cols) FROM source (FORMAT csv)`, refusing identifiers that are not plain names. */
export function copySql(table: string, columns: readonly string[], source: string): string {
  for (const name of [table, ...columns]) {
    if (!IDENT.test(name)) throw new Error(`not a plain SQL identifier: ${JSON.stringify(name)}`);
  }
  return `copy ${table} (${columns.join(', ')}) from ${source} with (format csv)`;
}
