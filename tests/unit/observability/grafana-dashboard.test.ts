import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsAsJson } from '@/lib/observability/metrics';

const dashboard = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../../docs/grafana-dashboard.json'), 'utf8')) as {
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
};

describe('the sample Grafana dashboard', () => {
  it('queries only metrics the portal exposes', async () => {
    const exposed = new Map((await metricsAsJson()).map((m) => [m.name, m]));
    for (const panel of dashboard.panels) {
      for (const { expr } of panel.targets) {
        for (const [, name] of expr.matchAll(/\b((?:sonata|process|nodejs)_\w+?)(?:_bucket|_count|_sum)?(?=[{[\s)])/g)) {
          expect(exposed.has(name!), `${panel.title}: ${name}`).toBe(true);
        }
      }
    }
  });
});
