"use client";

import { formatSize, MAX_PLAIN_MEMORY_FS_BYTES } from "@/server/workloads/fields";
import { RowCheckbox, RowInput } from "../controls";
import { FieldRows } from "../rows";
import { Section } from "../section";
import { newRow } from "../values";

/** Named volumes and memory file systems (host folders are under host access). */
export function StorageSection({ volumeNames, listId }: { volumeNames: string[]; listId: string }) {
  return (
    <Section title="Storage" description="Named volumes are created when missing. Host folders are host access.">
      <FieldRows name="volumes" legend="Volumes" newRow={newRow.volumes} addLabel="Add volume">
        {(index) => (
          <>
            <RowInput name={`volumes.${index}.source`} label="Volume name" className="w-48" list={listId} />
            <RowInput
              name={`volumes.${index}.target`}
              label="Path in container"
              placeholder="/data"
              className="min-w-40 flex-1"
            />
            <RowCheckbox name={`volumes.${index}.readOnly`} label="Read-only" />
          </>
        )}
      </FieldRows>
      <datalist id={listId}>
        {volumeNames.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <FieldRows
        name="tmpfs"
        legend="Memory file systems (tmpfs)"
        hint={`Give a size: a tmpfs without one can take half of the host's memory. Without host access, tmpfs and /dev/shm may hold ${formatSize(MAX_PLAIN_MEMORY_FS_BYTES)} together.`}
        newRow={newRow.tmpfs}
        addLabel="Add tmpfs"
      >
        {(index) => (
          <>
            <RowInput
              name={`tmpfs.${index}.target`}
              label="tmpfs path in container"
              placeholder="/run/cache"
              className="min-w-40 flex-1"
            />
            <RowInput
              name={`tmpfs.${index}.sizeMb`}
              label="tmpfs size in MB"
              placeholder="size MB"
              inputMode="decimal"
              className="w-28"
            />
          </>
        )}
      </FieldRows>
    </Section>
  );
}
