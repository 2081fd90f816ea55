import { COUNTRY_CODES } from '../../../src/contract/countries.ts';

/** The contract's ISO 3166-1 alpha-2 codes with names in the browser's language (Intl.DisplayNames). */
const CODES = [...COUNTRY_CODES];

const names = new Intl.DisplayNames(undefined, { type: 'region' });

export const countryName = (code: string | null | undefined): string => {
  if (!code) return '';
  try {
    return names.of(code) ?? code;
  } catch {
    return code;
  }
};

export const COUNTRY_OPTIONS: { value: string; label: string }[] = CODES.map((code) => ({
  value: code,
  label: `${countryName(code)} (${code})`,
})).sort((a, b) => a.label.localeCompare(b.label));
