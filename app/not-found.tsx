import { FileQuestion } from "lucide-react";
import Link from "next/link";

// Outside the signed-in layout (an unknown address belongs to no area), so it stands alone.
export default function NotFound() {
  return (
    <main id="main" className="grid min-h-screen place-items-center px-4">
      <div className="max-w-sm text-center">
        <FileQuestion aria-hidden className="mx-auto mb-3 size-10 text-faint" />
        <h1 className="text-2xl font-semibold tracking-tight">Page not found</h1>
        <p className="mt-1 mb-4 text-sm text-muted">There is nothing at this address.</p>
        <Link href="/" className="text-sm font-medium text-primary-fg underline">
          Back to Home
        </Link>
      </div>
    </main>
  );
}
