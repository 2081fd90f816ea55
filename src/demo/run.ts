export const runDemo = async (): Promise<void> => {
  throw new Error('the demo simulator is being written');
};
