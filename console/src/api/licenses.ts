import { queryOptions } from '@tanstack/react-query';
import type { Static } from 'typebox';
import type {
  License,
  LicenseCreate,
  LicenseReply,
  LicensesReply,
  LicenseUpdate,
} from '../../../src/contract/partner.ts';
import { del, get, post, projectPath, put } from './client.ts';

export const licenseKeys = { all: (projectId: string) => ['projects', projectId, 'licenses'] as const };

export const licensesQuery = (projectId: string) =>
  queryOptions({
    queryKey: licenseKeys.all(projectId),
    queryFn: async (): Promise<License[]> =>
      (await get<Static<typeof LicensesReply>>(projectPath(projectId, 'licenses'))).licenses,
    staleTime: 60_000,
  });

export const createLicense = async (projectId: string, body: LicenseCreate): Promise<License> =>
  (await post<Static<typeof LicenseReply>>(projectPath(projectId, 'licenses'), body)).license;

export const updateLicense = async (projectId: string, id: number, body: LicenseUpdate): Promise<License> =>
  (await put<Static<typeof LicenseReply>>(projectPath(projectId, `licenses/${id}`), body)).license;

export const deleteLicense = (projectId: string, id: number) =>
  del<unknown>(projectPath(projectId, `licenses/${id}`));
