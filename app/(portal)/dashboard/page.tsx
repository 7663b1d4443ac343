import type { Metadata } from 'next';
import { DashboardView } from '@/components/dashboard/dashboard-view';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';
import { loadDashboard } from '@/lib/data/dashboard';
import { parseDashboardFilters } from '@/lib/domain/dashboard-metrics';
import { FeedMark } from '@/components/live/live-feed';
import { pageFeedPosition } from '@/lib/data/feed-position';

export const metadata: Metadata = { title: 'Dashboard' };
export const dynamic = 'force-dynamic';

export default async function DashboardPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageUser('dashboard.view', { path: '/dashboard' });
  const feedSeq = await pageFeedPosition();
  const nowMs = Date.now();
  const filters = parseDashboardFilters(await searchParams, nowMs);
  const data = await loadDashboard(filters, nowMs);
  const problems = [filters.problem, data.sellerProblem].filter((p): p is string => p !== null);
  return (
    <>
      <FeedMark seq={feedSeq} />
      <PageHeader
        title="Dashboard"
        description="Every Seller side by side: what is open and waiting now, and how tickets went over time. Every figure opens the tickets behind it."
      />
      <DashboardView view={{ ...data, range: filters.range, nowMs }} filters={filters} problems={problems} />
    </>
  );
}
