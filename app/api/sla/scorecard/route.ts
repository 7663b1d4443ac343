import { scorecardCsv } from '@/components/sla/sla-csv';
import { slaScorecard } from '@/lib/data/sla';
import { sellerMonthCsv } from '../seller-month-csv';

export const dynamic = 'force-dynamic';

/** A Seller's scorecard for one month as CSV: ?seller=<slug>&month=YYYY-MM */
export const GET = sellerMonthCsv('sla-scorecard', async (sellerId, month) => scorecardCsv((await slaScorecard(sellerId, month))!));
