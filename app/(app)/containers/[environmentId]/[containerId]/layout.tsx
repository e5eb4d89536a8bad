import type { ReactNode } from "react";
import { ContainerShell } from "@/components/containers/details/container-shell";

/** Every tab of a container's details (overview, logs, stats, …, console) shares this header. */
export default async function ContainerLayout({
  params,
  children,
}: {
  params: Promise<{ environmentId: string; containerId: string }>;
  children: ReactNode;
}) {
  const { environmentId, containerId } = await params;
  return (
    <ContainerShell environmentId={decodeURIComponent(environmentId)} containerId={decodeURIComponent(containerId)}>
      {children}
    </ContainerShell>
  );
}
