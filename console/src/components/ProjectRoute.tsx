import { useQuery } from '@tanstack/react-query';
import { Navigate, Outlet, useParams } from 'react-router';
import { sessionQuery } from '../api/session.ts';
import { ProjectContext, scopeFor } from '../lib/project-context.ts';
import { NotFound } from './NotFound.tsx';
import { NoProjects } from './NoProjects.tsx';

const LAST_PROJECT = 'gatehouse.lastProject';

/** Scopes the nested pages to the route's project and the member's role in it. */
export function ProjectRoute() {
  const { projectId } = useParams();
  const { data: session } = useQuery(sessionQuery);
  const project = session?.projects.find((p) => p.id === projectId);
  if (!project) return <NotFound message={`You have no access to project "${projectId ?? ''}".`} />;
  localStorage.setItem(LAST_PROJECT, project.id);
  return (
    <ProjectContext value={scopeFor(project)}>
      <Outlet key={project.id} />
    </ProjectContext>
  );
}

/** `/`: the last project used, else the first one. */
export function ProjectHome() {
  const { data: session } = useQuery(sessionQuery);
  const projects = session?.projects ?? [];
  if (projects.length === 0) return <NoProjects />;
  const last = localStorage.getItem(LAST_PROJECT);
  const target = projects.find((p) => p.id === last) ?? projects[0]!;
  return <Navigate to={`/projects/${encodeURIComponent(target.id)}/users`} replace />;
}
