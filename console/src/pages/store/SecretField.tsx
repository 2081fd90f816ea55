import { Badge, Input, Text, Textarea } from '@mantine/core';

interface Props {
  label: string;
  /** The stored secret as the server shows it (masked, e.g. `****a1b2`), or null when none is stored. */
  masked: string | null;
  /** More about the stored secret (e.g. the service account's e-mail). */
  details?: string;
  value: string;
  onChange: (v: string) => void;
  placeholder: string;
  readOnly: boolean;
  error?: string;
  testId: string;
}

/**
 * A write-only secret: the textarea always starts empty and the page never holds the stored value,
 * only whether one is set and its masked tail. Empty on save keeps the stored secret.
 */
export function SecretField({ label, masked, details, value, onChange, placeholder, readOnly, error, testId }: Props) {
  // Inline elements only: the state also goes into the input's description, a <p>.
  const state = (
    <span data-testid={`${testId}-state`}>
      {masked ? (
        <>
          <Badge component="span" size="xs" color="teal" variant="light" mr={6}>
            Set
          </Badge>
          <Text span size="xs" ff="monospace" c="var(--mantine-color-text)">
            {masked}
          </Text>
          {details && (
            <Text span size="xs" c="dimmed" ml={6} style={{ wordBreak: 'break-all' }}>
              {details}
            </Text>
          )}
        </>
      ) : (
        <Badge component="span" size="xs" color="gray" variant="light">
          Not set
        </Badge>
      )}
    </span>
  );
  if (readOnly) {
    return (
      <div>
        <Input.Label component="div">{label}</Input.Label>
        <Text size="xs" component="div">
          {state}
        </Text>
      </div>
    );
  }
  return (
    <Textarea
      label={label}
      description={
        <>
          {state}
          <br />
          {masked ? 'Write-only: paste a new one to replace the stored value, or leave empty to keep it.' : 'Write-only: once saved it is never shown again.'}
        </>
      }
      placeholder={placeholder}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      autosize
      minRows={3}
      maxRows={8}
      spellCheck={false}
      autoComplete="off"
      styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 'var(--mantine-font-size-xs)' } }}
      error={error}
      data-testid={testId}
    />
  );
}
