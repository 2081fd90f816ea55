import { Select } from '@mantine/core';
import type { ConsoleProject } from '../../../src/contract/console.ts';

interface Props {
  projects: ConsoleProject[];
  current: string | undefined;
  onSwitch: (projectId: string) => void;
}

export function ProjectSwitcher({ projects, current, onSwitch }: Props) {
  return (
    <Select
      aria-label="Project"
      placeholder="Select a project"
      data={projects.map((p) => ({ value: p.id, label: `${p.name} · ${p.type} · ${p.role}` }))}
      value={current ?? null}
      onChange={(v) => v && v !== current && onSwitch(v)}
      allowDeselect={false}
      searchable={projects.length > 8}
      w={{ base: 170, sm: 300 }}
      comboboxProps={{ width: 300, position: 'bottom-start' }}
      data-testid="project-switcher"
    />
  );
}
