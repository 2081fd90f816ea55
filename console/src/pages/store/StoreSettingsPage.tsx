import { Alert, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { storeSettingsQuery } from '../../api/store-settings.ts';
import { QueryError } from '../../components/QueryError.tsx';
import { useProject } from '../../lib/project-context.ts';
import { ProductsSection } from './ProductsSection.tsx';
import { AppleCard, GoogleCard } from './StoreCards.tsx';

/**
 * Public projects: the App Store and Google Play credentials Gatehouse verifies purchases with, and
 * what each product grants. Secrets are write-only; roles without project.update see it read-only.
 */
export function StoreSettingsPage() {
  const { project, can } = useProject();
  if (project.type !== 'public') {
    return (
      <Stack gap="sm">
        <Title order={2}>Store settings</Title>
        <Text c="dimmed">Store settings apply to public projects only: users of a private project do not buy in app stores.</Text>
      </Stack>
    );
  }
  return <StoreSettings projectId={project.id} readOnly={!can('project.update')} />;
}

function StoreSettings({ projectId, readOnly }: { projectId: string; readOnly: boolean }) {
  const stores = useQuery(storeSettingsQuery(projectId));
  return (
    <Stack gap="md">
      <div>
        <Title order={2}>Store settings</Title>
        <Text size="sm" c="dimmed">
          The App Store and Google Play accounts Gatehouse checks in-app purchases with, every 24 hours and when the stores notify it.
        </Text>
      </div>
      {readOnly && (
        <Alert color="gray" variant="light" data-testid="read-only-note">
          Your role can view these settings but not change them.
        </Alert>
      )}
      {stores.isError ? (
        <QueryError error={stores.error} />
      ) : stores.data ? (
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
          <AppleCard projectId={projectId} current={stores.data.apple} readOnly={readOnly} />
          <GoogleCard projectId={projectId} current={stores.data.google} readOnly={readOnly} />
        </SimpleGrid>
      ) : (
        <Text c="dimmed">Loading…</Text>
      )}
      <ProductsSection projectId={projectId} readOnly={readOnly} />
    </Stack>
  );
}
