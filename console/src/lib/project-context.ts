import { createContext, useContext } from 'react';
import { can, type Action } from '../../../src/domain/roles.ts';
import type { ConsoleProject } from '../../../src/contract/console.ts';

export interface ProjectScope {
  project: ConsoleProject;
  /** The one permission table the server also enforces (src/domain/roles.ts). */
  can: (action: Action) => boolean;
}

export const ProjectContext = createContext<ProjectScope | null>(null);

export const scopeFor = (project: ConsoleProject): ProjectScope => ({
  project,
  can: (action) => can(project.role, action),
});

/** The project of the current route (only inside ProjectRoute). */
export function useProject(): ProjectScope {
  const scope = useContext(ProjectContext);
  if (!scope) throw new Error('useProject() outside a project route');
  return scope;
}
