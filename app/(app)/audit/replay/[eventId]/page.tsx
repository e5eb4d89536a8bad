import { ReplayView } from "@/components/audit/replay-player";
import { RequirePermission } from "@/components/auth/require-permission";

export const metadata = { title: "Session replay" };

export default async function ReplayPage({ params }: { params: Promise<{ eventId: string }> }) {
  const { eventId } = await params;
  return (
    <RequirePermission permission="audit.recordings">
      <ReplayView eventId={decodeURIComponent(eventId)} />
    </RequirePermission>
  );
}
