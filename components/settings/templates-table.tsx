import Link from 'next/link';
import { buttonClasses } from '@/components/ui/button';
import { Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from '@/components/ui/table';
import type { TicketTemplateView } from '@/lib/data/ticket-templates';
import { OBSERVED_IMPACT, TICKET_PRIORITY, TICKET_SEVERITY, TICKET_TYPE, labelOf } from '@/lib/domain/mef-labels';
import { TemplateDeleteButton } from './template-delete-buttons';

function scopeOf(t: TicketTemplateView): string {
  if (!t.seller) return 'Every Seller';
  return t.productId ? `${t.sellerName} · ${t.productId}` : `${t.sellerName}, every product`;
}

function fillsOf(t: TicketTemplateView): string {
  const v = t.values;
  return [
    labelOf(TICKET_TYPE, v.ticketType),
    labelOf(TICKET_SEVERITY, v.severity),
    labelOf(TICKET_PRIORITY, v.priority),
    labelOf(OBSERVED_IMPACT, v.observedImpact),
    v.contacts.length ? `${v.contacts.length} contact(s)` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

export function TemplatesTable({ templates }: { templates: readonly TicketTemplateView[] }) {
  return (
    <Table caption="Ticket templates" dense>
      <TableHead>
        <TableRow>
          <TableHeaderCell>Name</TableHeaderCell>
          <TableHeaderCell>Offered for</TableHeaderCell>
          <TableHeaderCell>Description</TableHeaderCell>
          <TableHeaderCell>Fills</TableHeaderCell>
          <TableHeaderCell align="right">
            <span className="sr-only">Actions</span>
          </TableHeaderCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {templates.map((t) => (
          <TableRow key={t.id}>
            <TableCell className="font-medium">{t.name}</TableCell>
            <TableCell>{scopeOf(t)}</TableCell>
            <TableCell className="max-w-xs truncate" title={t.values.description}>
              {t.values.description}
            </TableCell>
            <TableCell className="text-xs">{fillsOf(t)}</TableCell>
            <TableCell align="right" className="whitespace-nowrap">
              <Link href={`/settings/templates/${t.id}`} className={buttonClasses({ variant: 'ghost', size: 'sm' })} aria-label={`Edit template ${t.name}`}>
                Edit
              </Link>
              <TemplateDeleteButton id={t.id} name={t.name} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
