import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent, type ReactNode } from 'react';

interface Props {
  opened: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  loading?: boolean;
  /** When set, the operator must type this text before confirming. */
  typeToConfirm?: string;
  typeLabel?: string;
  color?: string;
}

/** A confirmation dialog for destructive actions; Enter confirms, Escape cancels. */
export function ConfirmDialog(props: Props) {
  const { opened, onClose, title, children, confirmLabel, onConfirm, loading, typeToConfirm, typeLabel } = props;
  const [typed, setTyped] = useState('');
  const ready = typeToConfirm === undefined || typed.trim() === typeToConfirm;
  const close = () => {
    setTyped('');
    onClose();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (ready && !loading) onConfirm();
  };
  return (
    <Modal opened={opened} onClose={close} title={title} centered>
      <form onSubmit={submit}>
        <Stack>
          <Text size="sm" component="div">
            {children}
          </Text>
          {typeToConfirm !== undefined && (
            <TextInput
              label={typeLabel ?? `Type ${typeToConfirm} to confirm`}
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              autoComplete="off"
              data-autofocus
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" color={props.color ?? 'red'} disabled={!ready} loading={loading} data-autofocus={typeToConfirm === undefined || undefined}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
