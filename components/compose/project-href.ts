/** The page of one compose project. */
export const projectHref = (environmentId: string, project: string) =>
  `/projects/${encodeURIComponent(environmentId)}/${encodeURIComponent(project)}`;
