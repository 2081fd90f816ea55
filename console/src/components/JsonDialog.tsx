import { Code, Modal, ScrollArea } from '@mantine/core';

/** Read-only pretty-printed JSON in a modal. */
export function JsonDialog({ opened, onClose, title, value }: { opened: boolean; onClose: () => void; title: string; value: unknown }) {
  const text = (() => {
    try {
      return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2) ?? 'null';
    } catch {
      return String(value);
    }
  })();
  return (
    <Modal opened={opened} onClose={onClose} title={title} size="lg" centered>
      <ScrollArea.Autosize mah="60vh">
        <Code block data-testid="json-viewer">
          {text}
        </Code>
      </ScrollArea.Autosize>
    </Modal>
  );
}
