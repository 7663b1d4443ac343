/**
 * `npm run bench` (and `npm run bench:large`): the portal measured against this machine's own limits, each figure
 * beside a bare baseline run in the same process tree. Prints the tables and writes bench/results.json.
 * Settings (environment): see bench/settings.ts.
 */
export {};

// The production build the benchmark serves lives in its own folder, so it never replaces another build.
process.env.E2E_DIST_DIR ??= '.next-bench';
process.env.NEXT_TELEMETRY_DISABLED = '1';

const { main } = await import('./main');
await main(process.argv.slice(2));
