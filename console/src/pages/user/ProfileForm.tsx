import { Button, Group, Stack, Textarea, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { Subscriber, SubscriberUpdate } from '../../../../src/contract/partner.ts';
import { ApiError } from '../../api/client.ts';
import { updateSubscriber } from '../../api/subscribers.ts';
import { CountrySelect } from '../../components/CountrySelect.tsx';
import { useProject } from '../../lib/project-context.ts';
import { useUserAction } from './use-user-action.ts';

type Values = { extref: string; description: string; country: string | null };
const valuesOf = (u: Subscriber): Values => ({ extref: u.extref, description: u.description, country: u.country });

/** Extref, Description, User country + Save (only changed fields are sent). */
export function ProfileForm({ user }: { user: Subscriber }) {
  const { project, can } = useProject();
  const saved = valuesOf(user);
  const [values, setValues] = useState<Values>(saved);
  const [base, setBase] = useState(saved);
  if (base.extref !== saved.extref || base.description !== saved.description || base.country !== saved.country) {
    setBase(saved);
    setValues(saved);
  }
  const changes: SubscriberUpdate = {};
  if (values.extref !== saved.extref) changes.extref = values.extref;
  if (values.description !== saved.description) changes.description = values.description;
  if (values.country !== saved.country) changes.country = values.country;
  const dirty = Object.keys(changes).length > 0;
  const action = useUserAction((body: SubscriberUpdate) => updateSubscriber(project.id, user.id, body), 'User details saved');
  const fieldError = (f: string) => (action.error instanceof ApiError && action.error.field === f ? action.error.message : undefined);
  const readOnly = !can('users.update');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (dirty) action.mutate(changes);
  };
  return (
    <form onSubmit={submit}>
      <Stack gap="sm">
        <Title order={4}>Details</Title>
        <TextInput
          label="Extref"
          description="Any data, e.g. the user's ID in your own service"
          value={values.extref}
          onChange={(e) => setValues({ ...values, extref: e.currentTarget.value })}
          readOnly={readOnly}
          error={fieldError('extref')}
          data-testid="extref-input"
        />
        <Textarea
          label="Description"
          description="E.g. the user's full name"
          value={values.description}
          onChange={(e) => setValues({ ...values, description: e.currentTarget.value })}
          readOnly={readOnly}
          autosize
          minRows={2}
          error={fieldError('description')}
          data-testid="description-input"
        />
        <CountrySelect
          label="User country"
          value={values.country}
          onChange={(country) => setValues({ ...values, country })}
          readOnly={readOnly}
          error={fieldError('country')}
          data-testid="country-select"
        />
        {!readOnly && (
          <Group justify="flex-end" gap="xs">
            <Button variant="default" disabled={!dirty} onClick={() => setValues(saved)}>
              Revert
            </Button>
            <Button type="submit" disabled={!dirty} loading={action.isPending} data-testid="details-save">
              Save
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
