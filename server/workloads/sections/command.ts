// Command and entrypoint: the process the workload runs. What the image says is left to the
// image; an entrypoint of its own resets the image's command, so then both are spelt out.
import { argv } from "../fields";
import { defineSection, type SpecSlice, type SpecSliceInput } from "../section";
import { shellQuote } from "../cli";
import { rec, strings } from "../engine-read";

export const commandShape = {
  command: argv.optional(),
  entrypoint: argv.optional(),
};

type Slice = SpecSlice<typeof commandShape>;
type SliceInput = SpecSliceInput<typeof commandShape>;

const asList = (v: string[] | string | null | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : []);
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export const commandSection = defineSection<Slice, Slice, SliceInput, SliceInput>({
  name: "command",
  modelled: { Config: ["Cmd", "Entrypoint"] },
  fields: { Cmd: "command", Entrypoint: "entrypoint" },
  serviceFields: { "TaskTemplate.ContainerSpec.Command": "entrypoint", "TaskTemplate.ContainerSpec.Args": "command" },

  toContainer(spec, draft) {
    if (spec.command?.length) draft.body.Cmd = spec.command;
    if (spec.entrypoint?.length) draft.body.Entrypoint = spec.entrypoint;
  },
  fromContainer({ config, image }) {
    const out: SliceInput = {};
    const entrypoint = asList(config.Entrypoint);
    const command = asList(config.Cmd);
    const ownEntrypoint = !same(entrypoint, asList(image?.Entrypoint));
    if (ownEntrypoint && entrypoint.length) out.entrypoint = entrypoint;
    if ((ownEntrypoint || !same(command, asList(image?.Cmd))) && command.length) out.command = command;
    return out;
  },
  notCarried({ host, config }) {
    return [
      ...(host.Init ? ["init process"] : []),
      ...(config.Tty || config.OpenStdin ? ["a terminal (tty) and open stdin"] : []),
      ...(config.StopSignal || config.StopTimeout ? ["stop signal and timeout"] : []),
    ];
  },
  runWords(spec, cli) {
    const entry = spec.entrypoint ?? [];
    // --entrypoint takes one word; the rest of the entrypoint goes before the command, which
    // gives the same argv.
    if (entry.length) cli.flag("--entrypoint", entry[0]);
    cli.args.push(...entry.slice(1), ...(spec.command ?? []));
  },

  // A service calls the entrypoint Command and the command Args.
  toService(spec, draft) {
    if (spec.entrypoint?.length) draft.container.Command = spec.entrypoint;
    if (spec.command?.length) draft.container.Args = spec.command;
  },
  fromService(payload) {
    const c = rec(rec(payload.TaskTemplate).ContainerSpec);
    return {
      ...(strings(c.Command).length ? { entrypoint: strings(c.Command) } : {}),
      ...(strings(c.Args).length ? { command: strings(c.Args) } : {}),
    };
  },
  serviceWords(spec, words) {
    // docker service create --entrypoint takes the whole entrypoint as one shell string.
    if (spec.entrypoint?.length) words.flag("--entrypoint", spec.entrypoint.map(shellQuote).join(" "));
    words.args.push(...(spec.command ?? []));
  },
  serviceUpdateWords(before, after, words) {
    if (!same(before.command, after.command)) words.push("--args", (after.command ?? []).map(shellQuote).join(" "));
    if (!same(before.entrypoint, after.entrypoint)) {
      words.push("--entrypoint", (after.entrypoint ?? []).map(shellQuote).join(" "));
    }
  },
});
