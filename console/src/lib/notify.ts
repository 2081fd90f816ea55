import { notifications } from '@mantine/notifications';

export const notifySuccess = (message: string): void => {
  notifications.show({ color: 'teal', title: 'Done', message, autoClose: 4000 });
};

export const notifyError = (error: unknown): void => {
  const message = error instanceof Error ? error.message : String(error);
  notifications.show({ color: 'red', title: 'Error', message, autoClose: 8000 });
};
