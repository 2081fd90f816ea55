import { useCallback, useState } from 'react';

/**
 * Cursor paging with "previous": keeps the stack of cursors that led to the current page.
 * The stack belongs to `filterKey`; when the filters change, paging starts again at page 1.
 */
export function useCursorPages(filterKey: string) {
  const [state, setState] = useState<{ key: string; stack: string[] }>({ key: filterKey, stack: [] });
  const stack = state.key === filterKey ? state.stack : [];
  const next = useCallback(
    (cursor: string) => setState((s) => ({ key: filterKey, stack: [...(s.key === filterKey ? s.stack : []), cursor] })),
    [filterKey],
  );
  const previous = useCallback(
    () => setState((s) => ({ key: filterKey, stack: (s.key === filterKey ? s.stack : []).slice(0, -1) })),
    [filterKey],
  );
  return { cursor: stack.at(-1), page: stack.length + 1, hasPrevious: stack.length > 0, next, previous };
}
