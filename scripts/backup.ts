/**
 * npm run backup -- FILE: a consistent copy of the portal's database (DATABASE_PATH, default ./data/portal.db) taken
 * while the portal runs, checked with integrity_check. Exits 1, leaving no file, when anything goes wrong.
 */
import { BackupError, backupDatabase } from '../db/backup';
import { databaseFile } from '../db/index';

const target = process.argv[2];
if (!target || process.argv.length > 3) {
  console.error('Usage: npm run backup -- FILE   (copies DATABASE_PATH, default ./data/portal.db, into the new FILE)');
  process.exit(2);
}
try {
  const result = backupDatabase(databaseFile(), target);
  console.log(`Backup written to ${result.file} (${result.bytes} bytes, ${result.tickets} tickets, ${result.auditEntries} audit entries); integrity_check: ${result.integrity.join(', ')}`);
} catch (err) {
  console.error(`Backup failed: ${err instanceof BackupError ? err.message : (err as Error).stack}`);
  process.exit(1);
}
