import dayjs from 'dayjs';

/** Instants are shown in the operator's local time zone. */
export const formatTime = (iso: string | null | undefined): string =>
  iso ? dayjs(iso).format('YYYY-MM-DD HH:mm:ss') : '';

export const formatDay = (iso: string): string => dayjs(iso).format('MMM D');
