"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useViewer } from "../auth/viewer-context";
import { CliResult } from "../containers/cli-result";
import { holdsOn } from "../containers/holds-on";
import { errorMessage, formErrors } from "../trpc-errors";
import { useTRPC, useTRPCClient } from "../trpc";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { TextField } from "../ui/field";
import { Loading } from "../ui/loading";

/** A network: its pools and options, the containers attached with their addresses, connect and disconnect. */
export function NetworkDialog({
  environmentId,
  environmentName,
  network,
  onClose,
}: {
  environmentId: string;
  environmentName: string;
  network: { id: string; name: string };
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const viewer = useViewer();
  const input = { environmentId, network: network.id };
  const detail = useQuery(trpc.networks.get.queryOptions(input));
  const mayConnect =
    holdsOn(viewer, "network.create", environmentId) && network.name !== "host" && network.name !== "none";
  const [container, setContainer] = useState("");
  const [aliases, setAliases] = useState("");
  const [ipv4Address, setIpv4Address] = useState("");
  const [done, setDone] = useState<{ text: string; cli: string } | null>(null);
  const reload = () => void queryClient.invalidateQueries({ queryKey: trpc.networks.get.queryKey(input) });

  const connect = useMutation({
    mutationFn: () =>
      client.networks.connect.mutate({
        ...input,
        container,
        aliases: aliases.split(/[\s,]+/).filter(Boolean),
        ipv4Address,
      }),
    onSuccess: (result) => {
      setDone({ text: `Connected ${result.container.name} to ${result.network.name}.`, cli: result.cli });
      setContainer("");
      setAliases("");
      setIpv4Address("");
      reload();
    },
  });
  const disconnect = useMutation({
    mutationFn: (id: string) => client.networks.disconnect.mutate({ ...input, container: id }),
    onSuccess: (result) => {
      setDone({ text: `Disconnected ${result.container.name} from ${result.network.name}.`, cli: result.cli });
      reload();
    },
  });
  const { alert, fields } = formErrors(connect.error, ["container", "aliases", "ipv4Address"]);
  const data = detail.data;

  return (
    <Dialog open onClose={onClose} title={`Network ${network.name}`} description={`on ${environmentName}`} wide>
      <div className="space-y-4 text-sm">
        {detail.isPending ? <Loading label="Loading the network…" /> : null}
        {detail.isError ? <Alert title="Could not load the network">{errorMessage(detail.error)}</Alert> : null}
        {done ? <CliResult text={done.text} cli={done.cli} onDismiss={() => setDone(null)} /> : null}
        {disconnect.error ? <Alert>{errorMessage(disconnect.error)}</Alert> : null}
        {data ? (
          <>
            <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1">
              <dt className="text-muted">Driver</dt>
              <dd className="font-mono text-xs">
                {data.driver} ({data.scope})
              </dd>
              <dt className="text-muted">Pools</dt>
              <dd className="font-mono text-xs">
                {data.ipam.length
                  ? data.ipam
                      .map((p) =>
                        [p.subnet, p.gateway && `gateway ${p.gateway}`, p.ipRange && `range ${p.ipRange}`]
                          .filter(Boolean)
                          .join(", "),
                      )
                      .join("; ")
                  : "none"}
              </dd>
              {Object.keys(data.options).length ? (
                <>
                  <dt className="text-muted">Options</dt>
                  <dd className="font-mono text-xs break-all">
                    {Object.entries(data.options)
                      .map(([k, v]) => (v ? `${k}=${v}` : k))
                      .join(", ")}
                  </dd>
                </>
              ) : null}
              {data.services.length ? (
                <>
                  <dt className="text-muted">Services</dt>
                  <dd>{data.services.join(", ")}</dd>
                </>
              ) : null}
            </dl>
            <section aria-label="Attached containers">
              <h3 className="mb-1 font-medium">Containers attached</h3>
              {data.containers.length ? (
                <ul className="divide-y divide-border/60 rounded border border-border" data-testid="network-containers">
                  {data.containers.map((c) => (
                    <li key={c.id} className="flex items-center gap-3 px-2 py-1.5">
                      <span className="font-medium">{c.name}</span>
                      <span className="font-mono text-xs text-muted">
                        {[c.ipv4Address, c.ipv6Address].filter(Boolean).join(", ")}
                      </span>
                      {mayConnect ? (
                        <Button
                          size="sm"
                          variant="quiet-danger"
                          className="ml-auto"
                          pending={disconnect.isPending && disconnect.variables === c.id}
                          onClick={() => disconnect.mutate(c.id)}
                        >
                          Disconnect
                        </Button>
                      ) : null}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="text-muted">No container is attached.</p>
              )}
            </section>
            {mayConnect ? (
              <form
                aria-label="Connect a container"
                className="space-y-2 border-t border-border pt-3"
                onSubmit={(e) => {
                  e.preventDefault();
                  connect.mutate();
                }}
              >
                <h3 className="font-medium">Connect a container</h3>
                <div className="grid gap-2 sm:grid-cols-3">
                  <TextField
                    label="Container"
                    value={container}
                    onChange={(e) => setContainer(e.target.value)}
                    placeholder="name or id"
                    error={fields.container}
                    required
                  />
                  <TextField
                    label="Aliases"
                    value={aliases}
                    onChange={(e) => setAliases(e.target.value)}
                    placeholder="db, cache"
                    error={fields.aliases}
                  />
                  <TextField
                    label="Fixed IPv4 address"
                    value={ipv4Address}
                    onChange={(e) => setIpv4Address(e.target.value)}
                    placeholder="optional"
                    error={fields.ipv4Address}
                  />
                </div>
                {alert ? <Alert>{alert}</Alert> : null}
                <div className="flex justify-end">
                  <Button type="submit" variant="primary" pending={connect.isPending}>
                    Connect
                  </Button>
                </div>
              </form>
            ) : null}
          </>
        ) : null}
      </div>
    </Dialog>
  );
}
