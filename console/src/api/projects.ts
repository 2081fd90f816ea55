import type { ProjectCreateBody, ProjectCreateReply } from '../../../src/contract/console.ts';
import { post } from './client.ts';

/** Creates a project (installation owner only); the reply holds the partner private key, shown once. */
export const createProject = (body: ProjectCreateBody) => post<ProjectCreateReply>('/console/api/projects', body);
