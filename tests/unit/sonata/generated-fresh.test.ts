import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HEADER, renderApi } from '@/scripts/gen-sonata';
import { MEF_APIS, generatedDir, sourceDir } from '@/scripts/sonata-apis';

const read = (name: string) => fs.readFileSync(path.join(generatedDir(), name), 'utf8');

describe('generated MEF code', () => {
  it('has both modules of every API, each with the generator header and its exports', async () => {
    for (const api of MEF_APIS) {
      const types = read(`${api.name}.ts`);
      const spec = read(`${api.name}.spec.ts`);
      expect(types.startsWith(HEADER), `${api.name}.ts header`).toBe(true);
      expect(spec.startsWith(HEADER), `${api.name}.spec.ts header`).toBe(true);
      expect(types).toMatch(/^export interface (paths|webhooks|components)\b/m);
      expect(types).toMatch(/^export interface components \{/m);
      expect(spec).toContain(`export const ${api.specExport} = `);
      const mod = (await import(`../../../lib/sonata/generated/${api.name}.spec.ts`)) as Record<string, { openapi?: string }>;
      expect(mod[api.specExport]?.openapi, api.specExport).toMatch(/^3\./);
    }
  });

  // Where the MEF OpenAPI files are present, the committed output must equal a fresh render.
  const haveSources = fs.existsSync(sourceDir());
  it(haveSources ? 'equals a fresh render of the OpenAPI files' : 'has no stray files beside the generated ones', async () => {
    if (!haveSources) {
      const expected = MEF_APIS.flatMap((api) => [`${api.name}.ts`, `${api.name}.spec.ts`]).sort();
      expect(fs.readdirSync(generatedDir()).sort()).toEqual(expected);
      return;
    }
    for (const api of MEF_APIS) {
      const fresh = await renderApi(api.file, api.specExport);
      expect(read(`${api.name}.ts`) === fresh.types, `${api.name}.ts is stale: run npm run gen:sonata`).toBe(true);
      expect(read(`${api.name}.spec.ts`) === fresh.spec, `${api.name}.spec.ts is stale: run npm run gen:sonata`).toBe(true);
    }
  });
});
