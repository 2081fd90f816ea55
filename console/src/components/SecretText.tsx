import { ActionIcon, CopyButton, Group, Text, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { CheckIcon, CopyIcon, EyeIcon, EyeOffIcon } from './icons.tsx';

/** A secret shown masked, with reveal and copy buttons. */
export function SecretText({ value, label }: { value: string; label: string }) {
  const [shown, setShown] = useState(false);
  return (
    <Group gap={4} wrap="nowrap">
      <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }} data-testid="secret-value">
        {shown ? value : '•'.repeat(12)}
      </Text>
      <Tooltip label={shown ? 'Hide' : 'Reveal'}>
        <ActionIcon
          variant="subtle"
          size="sm"
          aria-label={`${shown ? 'Hide' : 'Reveal'} ${label}`}
          onClick={() => setShown((s) => !s)}
        >
          {shown ? <EyeOffIcon /> : <EyeIcon />}
        </ActionIcon>
      </Tooltip>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : 'Copy'}>
            <ActionIcon variant="subtle" size="sm" color={copied ? 'teal' : undefined} aria-label={`Copy ${label}`} onClick={copy}>
              {copied ? <CheckIcon /> : <CopyIcon />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}
