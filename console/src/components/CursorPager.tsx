import { Button, Group, Text } from '@mantine/core';

interface Props {
  page: number;
  hasPrevious: boolean;
  nextCursor: string | null | undefined;
  onPrevious: () => void;
  onNext: (cursor: string) => void;
}

export function CursorPager({ page, hasPrevious, nextCursor, onPrevious, onNext }: Props) {
  return (
    <Group justify="flex-end" gap="xs">
      <Button variant="default" size="xs" disabled={!hasPrevious} onClick={onPrevious}>
        Previous
      </Button>
      <Text size="sm" c="dimmed" data-testid="page-number">
        Page {page}
      </Text>
      <Button variant="default" size="xs" disabled={!nextCursor} onClick={() => nextCursor && onNext(nextCursor)}>
        Next
      </Button>
    </Group>
  );
}
