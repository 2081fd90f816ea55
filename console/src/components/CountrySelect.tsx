import { Select, type SelectProps } from '@mantine/core';
import { COUNTRY_OPTIONS } from '../lib/countries.ts';

type Props = Omit<SelectProps, 'data' | 'value' | 'onChange'> & {
  value: string | null;
  onChange: (code: string | null) => void;
};

export function CountrySelect({ value, onChange, ...rest }: Props) {
  return (
    <Select
      data={COUNTRY_OPTIONS}
      value={value}
      onChange={onChange}
      searchable
      clearable
      placeholder="No country"
      nothingFoundMessage="No such country"
      {...rest}
    />
  );
}
