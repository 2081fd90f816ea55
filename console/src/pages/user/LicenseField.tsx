import { Button, Group, Text } from '@mantine/core';
import { useState } from 'react';
import type { Subscriber } from '../../../../src/contract/partner.ts';
import { updateSubscriber } from '../../api/subscribers.ts';
import { LicenseSelect } from '../../components/LicenseSelect.tsx';
import { useProject } from '../../lib/project-context.ts';
import { useUserAction } from './use-user-action.ts';

/** License select + Save. */
export function LicenseField({ user }: { user: Subscriber }) {
  const { project, can } = useProject();
  const [licenseId, setLicenseId] = useState<number | null>(user.license.id);
  const [prevId, setPrevId] = useState(user.license.id);
  if (prevId !== user.license.id) {
    setPrevId(user.license.id);
    setLicenseId(user.license.id);
  }
  const action = useUserAction(
    (id: number) => updateSubscriber(project.id, user.id, { license_id: id }),
    'License updated',
  );
  if (!can('users.update')) return <Text size="sm">{user.license.name}</Text>;
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start">
      <LicenseSelect
        aria-label="License"
        projectId={project.id}
        value={licenseId}
        onChange={setLicenseId}
        allowDeselect={false}
        size="xs"
        style={{ flex: 1 }}
        data-testid="license-select"
      />
      <Button
        size="xs"
        disabled={licenseId === null || licenseId === user.license.id}
        loading={action.isPending}
        onClick={() => licenseId !== null && action.mutate(licenseId)}
        data-testid="license-save"
      >
        Save
      </Button>
    </Group>
  );
}
