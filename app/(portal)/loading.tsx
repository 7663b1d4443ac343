import { Spinner } from '@/components/ui/spinner';

export default function PortalLoading() {
  return (
    <div className="flex min-h-64 items-center justify-center text-fg-subtle">
      <Spinner size="md" label="Loading" />
    </div>
  );
}
