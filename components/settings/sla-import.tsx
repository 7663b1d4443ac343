'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Alert } from '@/components/ui/alert';
import { Input } from '@/components/ui/input';
import { importSlaAgreements } from '@/lib/actions/sla';
import type { ActionState } from '@/lib/actions/authorized-action';

/** Imports agreements and calendars from a file in the export's format; all or nothing. */
export function SlaImport() {
  const [state, setState] = useState<ActionState | null>(null);
  const [pending, startTransition] = useTransition();
  const router = useRouter();
  return (
    <div className="flex flex-col gap-2">
      <label className="flex flex-col gap-1 text-sm">
        <span className="font-medium">Import agreements (JSON, as exported)</span>
        <Input
          type="file"
          accept=".json,application/json"
          disabled={pending}
          onChange={async (e) => {
            const file = e.currentTarget.files?.[0];
            if (!file) return;
            const json = await file.text();
            startTransition(async () => {
              const result = await importSlaAgreements({ json });
              setState(result);
              if (result.ok) router.refresh();
            });
          }}
        />
      </label>
      {state?.message ? (
        <Alert live tone={state.ok ? 'success' : 'danger'}>
          {state.message}
          {state.errors?.json ? (
            <ul className="mt-1 list-disc pl-5 text-xs">
              {state.errors.json.slice(0, 20).map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          ) : null}
        </Alert>
      ) : null}
    </div>
  );
}
