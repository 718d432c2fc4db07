import { useCallback, useRef, useState, type Dispatch } from "react";
import { initialState, type UiState } from "./model.js";
import { reducer, type Action } from "./reducer.js";

export interface Store {
  state: UiState;
  dispatch: Dispatch<Action>;
  /**
   * The state after every action dispatched so far, even before React re-rendered: key handlers
   * read this, so keys typed faster than frames (or pasted) act on the state they follow.
   */
  getState: () => UiState;
}

/** The reducer as a synchronous store rendered through React state; `init` builds the first state. */
export function useStore(init: () => UiState = () => initialState(Date.now())): Store {
  const ref = useRef<UiState | undefined>(undefined);
  if (ref.current === undefined) ref.current = init();
  const [state, setState] = useState<UiState>(ref.current);
  const dispatch = useCallback((action: Action) => {
    const current = ref.current as UiState;
    const next = reducer(current, action);
    if (next === current) return;
    ref.current = next;
    setState(next);
  }, []);
  const getState = useCallback(() => ref.current as UiState, []);
  return { state, dispatch, getState };
}
