import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { SellerDeviationsForm } from '@/components/settings/seller-deviations-form';
import { SellerEnabledToggle } from '@/components/settings/seller-enabled-toggle';
import { SellerForm } from '@/components/settings/seller-form';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/page-guard';
import { getSellerToleratedDeviations, getSellerView } from '@/lib/data/sellers';
import { KNOWN_DEVIATIONS, KNOWN_DEVIATION_NAMES } from '@/lib/sonata/deviations';

export const metadata: Metadata = { title: 'Seller · Settings' };

export default async function SellerPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  await requirePageUser('sellers.manage', { path: `/settings/sellers/${slug}` });
  const seller = await getSellerView(slug);
  if (!seller) notFound();
  const tolerated = (await getSellerToleratedDeviations(slug))!;
  const switches = KNOWN_DEVIATION_NAMES.map((name) => ({ name, ...KNOWN_DEVIATIONS[name] }));
  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            {seller.name}
            <Badge tone={seller.enabled ? 'success' : 'neutral'} dot>
              {seller.enabled ? 'Enabled' : 'Disabled'}
            </Badge>
          </span>
        }
        eyebrow={
          <>
            <Link href="/settings">Settings</Link> / <Link href="/settings/sellers">Sellers</Link>
          </>
        }
        description={
          <>
            <span className="font-mono">{seller.slug}</span> ·{' '}
            <Link href={`/settings/products?seller=${seller.slug}`} className="underline">
              {seller.productCount} product(s)
            </Link>
          </>
        }
        actions={<SellerEnabledToggle slug={seller.slug} enabled={seller.enabled} />}
      />
      {seller.origin === 'file' ? (
        <Alert tone="warning" className="mb-6 max-w-3xl" title="Loaded from the sellers file">
          The portal applies the sellers file again at every start, so changes made here last until the next restart
          unless the file is changed too.
        </Alert>
      ) : null}
      <SellerForm seller={seller} />
      <SellerDeviationsForm slug={seller.slug} switches={switches} known={tolerated.known} allowed={tolerated.allowed} />
    </>
  );
}
