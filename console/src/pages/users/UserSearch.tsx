import { Button, Group, Select, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { USER_SEARCH_KEYS, type UserSearchKey } from '../../../../src/contract/enums.ts';
import { SEARCH_KEY_LABELS } from './search-keys.ts';

export interface Search {
  by: UserSearchKey;
  q: string;
}

/** One search key at a time: pick the key, type the value, press Enter or Search. */
export function UserSearch({ value, onSearch }: { value: Search; onSearch: (s: Search) => void }) {
  const [by, setBy] = useState<UserSearchKey>(value.by);
  const [q, setQ] = useState(value.q);
  const invalid = by === 'user_id' && q.trim() !== '' && !/^\d+$/.test(q.trim()) ? 'User ID is a number' : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!invalid) onSearch({ by, q: q.trim() });
  };
  return (
    <form onSubmit={submit} role="search">
      <Group gap="xs" align="flex-start" wrap="wrap">
        <Select
          aria-label="Search by"
          data={USER_SEARCH_KEYS.map((k) => ({ value: k, label: SEARCH_KEY_LABELS[k] }))}
          value={by}
          onChange={(v) => v && setBy(v as UserSearchKey)}
          allowDeselect={false}
          w={140}
          data-testid="search-key"
        />
        <TextInput
          aria-label="Search value"
          placeholder={`Search by ${SEARCH_KEY_LABELS[by].toLowerCase()}`}
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          error={invalid}
          w={{ base: '100%', xs: 240 }}
          data-testid="search-input"
        />
        <Button type="submit" variant="light">
          Search
        </Button>
        {value.q && (
          <Button
            variant="subtle"
            onClick={() => {
              setQ('');
              onSearch({ by, q: '' });
            }}
          >
            Clear
          </Button>
        )}
      </Group>
    </form>
  );
}
