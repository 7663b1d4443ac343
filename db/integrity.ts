import Database from 'better-sqlite3';

/**
 * SQLite's own consistency check of a database file (pages, indexes, constraints): ['ok'] when sound. Opens the file
 * read-only, so it can run beside a live portal or after a crash before anything else touches the file.
 */
export function integrityCheck(file: string): string[] {
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = sqlite.pragma('integrity_check') as Array<{ integrity_check: string }>;
    const foreignKeys = sqlite.pragma('foreign_key_check') as unknown[];
    return [...rows.map((r) => r.integrity_check), ...(foreignKeys.length ? [`${foreignKeys.length} foreign key violation(s)`] : [])];
  } finally {
    sqlite.close();
  }
}
