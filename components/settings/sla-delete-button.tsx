'use client';

import { DeleteButton } from '@/components/ui/delete-button';
import { deleteSlaAgreement, deleteSlaCalendar } from '@/lib/actions/sla';

export function SlaDeleteButton({ kind, id, name }: { kind: 'agreement' | 'calendar'; id: number; name: string }) {
  return (
    <DeleteButton
      title={`Delete ${name}?`}
      description={
        kind === 'agreement'
          ? 'Open tickets under it stop being measured; tickets already closed keep their verdicts.'
          : 'Only a calendar no agreement uses can be deleted.'
      }
      confirmLabel={`Delete ${kind}`}
      remove={() => (kind === 'agreement' ? deleteSlaAgreement({ id }) : deleteSlaCalendar({ id }))}
      deleted="Deleted."
      failed="It could not be deleted."
      refresh
    />
  );
}
