import { Button, Group, Modal, NumberInput, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { License, LicenseCreate } from '../../../../src/contract/partner.ts';

interface Props {
  opened: boolean;
  onClose: () => void;
  /** Edit this license; create when null. */
  license: License | null;
  saving: boolean;
  onSave: (body: LicenseCreate) => void;
}

export function LicenseDialog({ opened, onClose, license, saving, onSave }: Props) {
  return (
    <Modal opened={opened} onClose={onClose} title={license ? `Edit license ${license.name}` : 'New license'} centered>
      {opened && <LicenseForm license={license} saving={saving} onSave={onSave} onCancel={onClose} />}
    </Modal>
  );
}

function LicenseForm({ license, saving, onSave, onCancel }: { license: License | null; saving: boolean; onSave: Props['onSave']; onCancel: () => void }) {
  const [name, setName] = useState(license?.name ?? '');
  const [devices, setDevices] = useState<number>(license?.devices_limit ?? 3);
  const [sessions, setSessions] = useState<number>(license?.sessions_limit ?? 5);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) onSave({ name: name.trim(), devices_limit: devices, sessions_limit: sessions });
  };
  return (
    <form onSubmit={submit}>
      <Stack gap="sm">
        <TextInput label="Name" description='Usually "<devices>-<sessions>", e.g. 3-5' required value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
        <NumberInput label="Devices limit" description="0 means no limit" min={0} max={1_000_000} allowDecimal={false} allowNegative={false} value={devices} onChange={(v) => setDevices(Number(v) || 0)} />
        <NumberInput label="Sessions limit" description="Concurrent sessions; 0 means no limit" min={0} max={1_000_000} allowDecimal={false} allowNegative={false} value={sessions} onChange={(v) => setSessions(Number(v) || 0)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={saving}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
