import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { Static } from 'typebox';
import type { AuditQuery, AuditReply } from '../../../src/contract/partner.ts';
import { get, projectPath } from './client.ts';

export type AuditPage = Static<typeof AuditReply>;

export const auditQuery = (projectId: string, q: Static<typeof AuditQuery>) =>
  queryOptions({
    queryKey: ['projects', projectId, 'audit', q] as const,
    queryFn: () => get<AuditPage>(projectPath(projectId, 'audit'), { ...q }),
    placeholderData: keepPreviousData,
  });
