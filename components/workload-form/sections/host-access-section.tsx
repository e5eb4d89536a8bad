"use client";

import { ShieldAlert } from "lucide-react";
import { useId, useState } from "react";
import { useFormContext, useWatch } from "react-hook-form";
import { CheckboxInput, ErrorText, RowCheckbox, RowInput, TextAreaInput, TextInput, useFieldError } from "../controls";
import { FieldRows } from "../rows";
import { newRow, type ContainerFormValues } from "../values";

const MODES = [
  ["networkMode", "Network mode", "host, none, container:<name>"],
  ["pidMode", "PID namespace", "host, container:<name>"],
  ["ipcMode", "IPC namespace", "host, shareable, container:<name>"],
  ["utsMode", "UTS namespace", "host"],
  ["usernsMode", "User namespace", "host"],
  ["cgroupnsMode", "Cgroup namespace", "host, private"],
] as const;

/** What a duplicated container carries that the form does not edit, and a way to leave it out. */
function Carried() {
  const { control, setValue } = useFormContext<ContainerFormValues>();
  const carried = useWatch({ control, name: "hostAccess.carried" });
  const error = useFieldError("hostAccess.carried");
  if (!Object.keys(carried ?? {}).length) return null;
  return (
    <div className="space-y-2 text-sm text-fg">
      <p>
        Carried over from the container you duplicate (not editable here):{" "}
        {[
          ...(carried.binds ?? []).map((b) => `-v ${b}`),
          ...(carried.deviceRequests?.length ? ["GPU / device requests"] : []),
          ...(carried.raw ? ["raw Engine fields"] : []),
        ].join(", ")}
        .
      </p>
      <ErrorText>{error}</ErrorText>
      <button
        type="button"
        className="text-sm font-medium underline"
        onClick={() => setValue("hostAccess.carried", {}, { shouldValidate: true })}
      >
        Leave these out
      </button>
    </div>
  );
}

/**
 * "Advanced / host access": everything that reaches out of the container. Shown only to
 * holders of container.create.privileged on the chosen environment; the server judges every
 * field again (and an engine's socket needs container.create.docker-socket besides).
 */
export function HostAccessSection({ initiallyOpen }: { initiallyOpen: boolean }) {
  const [open, setOpen] = useState(initiallyOpen);
  const bodyId = useId();
  return (
    <section className="rounded-lg border border-warning-border bg-warning-soft/40">
      <h2>
        <button
          type="button"
          aria-expanded={open}
          aria-controls={bodyId}
          onClick={() => setOpen(!open)}
          className="flex w-full items-center gap-2 px-5 py-4 text-left text-base font-semibold"
        >
          <ShieldAlert aria-hidden className="size-4 text-warning-fg" />
          Advanced / host access
          <span className="ml-auto text-xs font-normal text-muted">{open ? "Hide" : "Show"}</span>
        </button>
      </h2>
      {open ? (
        <div id={bodyId} className="space-y-5 border-t border-warning-border px-5 py-4">
          <p className="text-sm text-fg">
            Each of these lets the container reach the host. An engine&apos;s socket (or a folder holding one) also
            needs the container.create.docker-socket permission.
          </p>
          <CheckboxInput
            name="hostAccess.privileged"
            label="Privileged"
            description="Every device and capability of the host."
          />
          <div className="grid gap-4 sm:grid-cols-2">
            <TextInput
              name="hostAccess.capAdd"
              label="Add capabilities"
              placeholder="NET_ADMIN, SYS_TIME"
              spellCheck={false}
            />
            <TextInput
              name="hostAccess.runtime"
              label="Runtime"
              placeholder="the engine's default"
              spellCheck={false}
            />
            {MODES.map(([key, label, hint]) => (
              <TextInput
                key={key}
                name={`hostAccess.${key}`}
                label={label}
                placeholder="the container's own"
                hint={hint}
                spellCheck={false}
              />
            ))}
            <TextInput
              name="hostAccess.volumesFrom"
              label="Volumes from containers"
              placeholder="other-container[:ro], …"
              spellCheck={false}
            />
            <TextAreaInput
              name="hostAccess.securityOpt"
              label="Security options"
              placeholder="one per line, e.g. seccomp=unconfined"
            />
          </div>
          <FieldRows
            name="hostAccess.bindMounts"
            legend="Host folders (bind mounts)"
            newRow={newRow.bindMounts}
            addLabel="Add host folder"
          >
            {(index) => (
              <>
                <RowInput
                  name={`hostAccess.bindMounts.${index}.source`}
                  label="Host path"
                  placeholder="/srv/data"
                  className="min-w-40 flex-1"
                />
                <RowInput
                  name={`hostAccess.bindMounts.${index}.target`}
                  label="Bind path in container"
                  placeholder="/data"
                  className="min-w-40 flex-1"
                />
                <RowCheckbox name={`hostAccess.bindMounts.${index}.readOnly`} label="Read-only" />
              </>
            )}
          </FieldRows>
          <FieldRows name="hostAccess.devices" legend="Devices" newRow={newRow.devices} addLabel="Add device">
            {(index) => (
              <>
                <RowInput
                  name={`hostAccess.devices.${index}.pathOnHost`}
                  label="Device on host"
                  placeholder="/dev/fuse"
                  className="min-w-40 flex-1"
                />
                <RowInput
                  name={`hostAccess.devices.${index}.pathInContainer`}
                  label="Device in container"
                  placeholder="same path"
                  className="min-w-40 flex-1"
                />
                <RowInput
                  name={`hostAccess.devices.${index}.cgroupPermissions`}
                  label="Device permissions"
                  className="w-20"
                />
              </>
            )}
          </FieldRows>
          <FieldRows
            name="hostAccess.sysctls"
            legend="Kernel parameters (sysctls)"
            newRow={newRow.sysctls}
            addLabel="Add sysctl"
          >
            {(index) => (
              <>
                <RowInput
                  name={`hostAccess.sysctls.${index}.key`}
                  label="Sysctl name"
                  placeholder="net.core.somaxconn"
                  className="min-w-40 flex-1"
                />
                <RowInput name={`hostAccess.sysctls.${index}.value`} label="Sysctl value" className="w-32" />
              </>
            )}
          </FieldRows>
          <Carried />
        </div>
      ) : null}
    </section>
  );
}
