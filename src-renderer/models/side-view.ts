/**
 * Which view the side bar shows: the explorer or the Models list (the activity bar switches them).
 * In the entry chunk.
 */
import { create } from 'zustand';
import { setApp } from '../state/store';

export type SideView = 'explorer' | 'models';

export const useSideView = create<{ view: SideView }>(() => ({ view: 'explorer' }));

/** Show a view in the side bar (opening the side bar if it is hidden). */
export function showSideView(view: SideView): void {
  useSideView.setState({ view });
  setApp((s) => (s.layout.sidebarVisible ? {} : { layout: { ...s.layout, sidebarVisible: true } }));
}
