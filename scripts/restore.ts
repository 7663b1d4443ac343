/**
 * npm run restore -- FILE: puts a backup in place of the portal's database (DATABASE_PATH, default
 * ./data/portal.db), refusing while any process (the portal) has that database open. The replaced database is kept
 * beside it as <name>.before-restore-<time>.
 */
import { BackupError, restoreDatabase } from '../db/backup';
import { databaseFile } from '../db/index';

const backup = process.argv[2];
if (!backup || process.argv.length > 3) {
  console.error('Usage: npm run restore -- FILE   (replaces DATABASE_PATH, default ./data/portal.db, with the backup FILE; stop the portal first)');
  process.exit(2);
}
try {
  const result = restoreDatabase(backup, databaseFile());
  console.log(`Restored ${result.file} from ${backup} (${result.tickets} tickets, ${result.auditEntries} audit entries)${result.previous ? `; the replaced database is kept as ${result.previous}` : ''}`);
} catch (err) {
  console.error(`Restore refused: ${err instanceof BackupError ? err.message : (err as Error).stack}`);
  process.exit(1);
}
