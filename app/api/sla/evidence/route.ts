import { evidenceCsv } from '@/components/sla/sla-csv';
import { slaEvidencePack } from '@/lib/data/sla';
import { sellerMonthCsv } from '../seller-month-csv';

export const dynamic = 'force-dynamic';

/** The credit-claim evidence pack of a Seller and month as CSV: ?seller=<slug>&month=YYYY-MM */
export const GET = sellerMonthCsv('sla-evidence', async (sellerId, month) => evidenceCsv((await slaEvidencePack(sellerId, month))!));
