import { buildPortal } from './harness';
import { E2E_LOG_DIR, resetLogDir, scanLogDir } from './log-hygiene';

export default function setup(): () => void {
  resetLogDir();
  buildPortal();
  return () => {
    // The whole run's portal logs: a secret, a bearer token or a contact e-mail in any line fails the run. (An error
    // thrown here would only be printed: Vitest keeps its exit code, so the code is set here.)
    const { files, leaks } = scanLogDir();
    if (leaks.length > 0) {
      const shown = leaks.slice(0, 20).map((l) => `  ${l.file}:${l.line} ${l.kind}: ${l.excerpt}`);
      console.error(`FAIL portal logs (${E2E_LOG_DIR}, ${files} file(s)) leak ${leaks.length} time(s):\n${shown.join('\n')}`);
      process.exitCode = 1;
      return;
    }
    console.log(`Portal logs checked: ${files} file(s), no secret, token or e-mail address.`);
  };
}
