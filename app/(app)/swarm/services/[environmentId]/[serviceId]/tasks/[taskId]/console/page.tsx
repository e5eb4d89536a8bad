import { TaskConsolePage } from "@/components/swarm/task-console";

export const metadata = { title: "Task console" };

export default async function TaskConsoleRoute({
  params,
}: {
  params: Promise<{ environmentId: string; serviceId: string; taskId: string }>;
}) {
  const { environmentId, serviceId, taskId } = await params;
  return (
    <TaskConsolePage
      environmentId={decodeURIComponent(environmentId)}
      serviceId={decodeURIComponent(serviceId)}
      taskId={decodeURIComponent(taskId)}
    />
  );
}
