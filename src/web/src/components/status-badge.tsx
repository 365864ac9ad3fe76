const STATUS_LABEL: Record<string, string> = {
  deployed: 'deployed',
  failed: 'failed',
  pending: 'pending',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge badge-${status.replace(/[^a-z-]/g, '')}`}>{STATUS_LABEL[status] ?? status}</span>
  );
}
