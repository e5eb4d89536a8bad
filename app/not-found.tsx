import Link from "next/link";
import { PageHeader } from "@/components/page-header";

export default function NotFound() {
  return (
    <>
      <PageHeader title="Page not found" description="There is nothing at this address." />
      <Link href="/" className="text-sm text-sky-700 underline dark:text-sky-400">
        Back to Home
      </Link>
    </>
  );
}
