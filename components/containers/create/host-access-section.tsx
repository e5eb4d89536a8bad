"use client";

import { ShieldAlert } from "lucide-react";
import { useId, useState } from "react";
import { CheckboxField, controlClass, TextField } from "../../ui/field";
import { emptyRow, hasAccess, type HostAccessState } from "./form-model";
import { RowInput, Rows } from "./rows";

/**
 * "Advanced / host access": everything that reaches out of the container. Shown only to
 * holders of container.create.privileged on the chosen environment; the server judges every
 * field again (and a Docker socket needs container.create.docker-socket besides).
 */
export function HostAccessSection({
  access,
  onChange,
  err,
}: {
  access: HostAccessState;
  onChange: (access: HostAccessState) => void;
  err: (key: string) => string | undefined;
}) {
  const [open, setOpen] = useState(() => hasAccess(access));
  const bodyId = useId();
  const set = (patch: Partial<HostAccessState>) => onChange({ ...access, ...patch });
  const modes = [
    ["networkMode", "Network mode", "host, none, container:<name>"],
    ["pidMode", "PID namespace", "host, container:<name>"],
    ["ipcMode", "IPC namespace", "host, shareable, container:<name>"],
    ["utsMode", "UTS namespace", "host"],
    ["usernsMode", "User namespace", "host"],
    ["cgroupnsMode", "Cgroup namespace", "host, private"],
  ] as const;
  const carried = Object.keys(access.carried);
  return (
    <section className="rounded-lg border border-amber-300 bg-amber-50/40 dark:border-amber-900 dark:bg-amber-950/20">
      <h2>
        <button
          type="button"
          aria-expanded={open}
          aria-controls={bodyId}
          onClick={() => setOpen(!open)}
          className="flex w-full items-center gap-2 px-5 py-4 text-left text-base font-semibold"
        >
          <ShieldAlert aria-hidden className="size-4 text-amber-600 dark:text-amber-400" />
          Advanced / host access
          <span className="ml-auto text-xs font-normal text-slate-600 dark:text-slate-400">
            {open ? "Hide" : "Show"}
          </span>
        </button>
      </h2>
      {open ? (
        <div id={bodyId} className="space-y-5 border-t border-amber-200 px-5 py-4 dark:border-amber-900">
          <p className="text-sm text-slate-700 dark:text-slate-300">
            Each of these lets the container reach the host. A Docker socket (or a folder holding one) also needs the
            container.create.docker-socket permission.
          </p>
          <CheckboxField
            label="Privileged"
            description="Every device and capability of the host."
            checked={access.privileged}
            onChange={(e) => set({ privileged: e.target.checked })}
          />
          {err("hostAccess.privileged") ? (
            <p className="text-xs font-medium text-red-700 dark:text-red-400">{err("hostAccess.privileged")}</p>
          ) : null}
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField
              label="Add capabilities"
              value={access.capAdd}
              onChange={(e) => set({ capAdd: e.target.value })}
              placeholder="NET_ADMIN, SYS_TIME"
              autoComplete="off"
              spellCheck={false}
              error={err("hostAccess.capAdd")}
            />
            <TextField
              label="Runtime"
              value={access.runtime}
              onChange={(e) => set({ runtime: e.target.value })}
              placeholder="the engine's default"
              autoComplete="off"
              spellCheck={false}
              error={err("hostAccess.runtime")}
            />
            {modes.map(([key, label, hint]) => (
              <TextField
                key={key}
                label={label}
                value={access[key]}
                onChange={(e) => set({ [key]: e.target.value })}
                placeholder="the container's own"
                hint={hint}
                autoComplete="off"
                spellCheck={false}
                error={err(`hostAccess.${key}`)}
              />
            ))}
            <TextField
              label="Volumes from containers"
              value={access.volumesFrom}
              onChange={(e) => set({ volumesFrom: e.target.value })}
              placeholder="other-container[:ro], …"
              autoComplete="off"
              spellCheck={false}
              error={err("hostAccess.volumesFrom") ?? err("hostAccess.volumesFrom.0")}
            />
            <div className="space-y-1">
              <label
                htmlFor={`${bodyId}-secopt`}
                className="block text-sm font-medium text-slate-800 dark:text-slate-200"
              >
                Security options
              </label>
              <textarea
                id={`${bodyId}-secopt`}
                rows={2}
                className={controlClass}
                value={access.securityOpt}
                onChange={(e) => set({ securityOpt: e.target.value })}
                placeholder={"one per line, e.g. seccomp=unconfined"}
                spellCheck={false}
              />
              {err("hostAccess.securityOpt") ? (
                <p className="text-xs font-medium text-red-700 dark:text-red-400">{err("hostAccess.securityOpt")}</p>
              ) : null}
            </div>
          </div>
          <Rows
            legend="Host folders (bind mounts)"
            rows={access.bindMounts}
            onChange={(bindMounts) => set({ bindMounts })}
            newRow={emptyRow.bindMounts}
            addLabel="Add host folder"
          >
            {(row, setRow) => (
              <>
                <RowInput
                  label="Host path"
                  placeholder="/srv/data"
                  className="min-w-40 flex-1"
                  value={row.source}
                  onChange={(e) => setRow({ source: e.target.value })}
                  error={err(`hostAccess.bindMounts.${row.id}`) ?? err(`hostAccess.bindMounts.${row.id}.source`)}
                />
                <RowInput
                  label="Bind path in container"
                  placeholder="/data"
                  className="min-w-40 flex-1"
                  value={row.target}
                  onChange={(e) => setRow({ target: e.target.value })}
                  error={err(`hostAccess.bindMounts.${row.id}.target`)}
                />
                <label className="flex items-center gap-1.5 pt-1.5 text-sm text-slate-700 dark:text-slate-300">
                  <input
                    type="checkbox"
                    className="size-4 accent-sky-600"
                    checked={row.readOnly}
                    onChange={(e) => setRow({ readOnly: e.target.checked })}
                  />
                  Read-only
                </label>
              </>
            )}
          </Rows>
          <Rows
            legend="Devices"
            rows={access.devices}
            onChange={(devices) => set({ devices })}
            newRow={emptyRow.devices}
            addLabel="Add device"
          >
            {(row, setRow) => (
              <>
                <RowInput
                  label="Device on host"
                  placeholder="/dev/fuse"
                  className="min-w-40 flex-1"
                  value={row.pathOnHost}
                  onChange={(e) => setRow({ pathOnHost: e.target.value })}
                  error={err(`hostAccess.devices.${row.id}`) ?? err(`hostAccess.devices.${row.id}.pathOnHost`)}
                />
                <RowInput
                  label="Device in container"
                  placeholder="same path"
                  className="min-w-40 flex-1"
                  value={row.pathInContainer}
                  onChange={(e) => setRow({ pathInContainer: e.target.value })}
                  error={err(`hostAccess.devices.${row.id}.pathInContainer`)}
                />
                <RowInput
                  label="Device permissions"
                  className="w-20"
                  value={row.cgroupPermissions}
                  onChange={(e) => setRow({ cgroupPermissions: e.target.value })}
                  error={err(`hostAccess.devices.${row.id}.cgroupPermissions`)}
                />
              </>
            )}
          </Rows>
          <Rows
            legend="Kernel parameters (sysctls)"
            rows={access.sysctls}
            onChange={(sysctls) => set({ sysctls })}
            newRow={emptyRow.sysctls}
            addLabel="Add sysctl"
          >
            {(row, setRow) => (
              <>
                <RowInput
                  label="Sysctl name"
                  placeholder="net.core.somaxconn"
                  className="min-w-40 flex-1"
                  value={row.key}
                  onChange={(e) => setRow({ key: e.target.value })}
                />
                <RowInput
                  label="Sysctl value"
                  className="w-32"
                  value={row.value}
                  onChange={(e) => setRow({ value: e.target.value })}
                />
              </>
            )}
          </Rows>
          {err("hostAccess.sysctls") ? (
            <p className="text-xs font-medium text-red-700 dark:text-red-400">{err("hostAccess.sysctls")}</p>
          ) : null}
          {carried.length ? (
            <div className="space-y-2 text-sm text-slate-700 dark:text-slate-300">
              <p>
                Carried over from the container you duplicate (not editable here):{" "}
                {[
                  ...(access.carried.binds ?? []).map((b) => `-v ${b}`),
                  ...(access.carried.deviceRequests?.length ? ["GPU / device requests"] : []),
                  ...(access.carried.raw ? ["raw Engine fields"] : []),
                ].join(", ")}
                .
              </p>
              <button type="button" className="text-sm font-medium underline" onClick={() => set({ carried: {} })}>
                Leave these out
              </button>
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
