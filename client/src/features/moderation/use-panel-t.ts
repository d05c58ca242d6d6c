import { moderationPanel } from '../../i18n/parts/moderation-panel.js';
import { usePartT, type PartTranslator } from '../../i18n/use-part-t.js';

export type PanelKey = keyof typeof moderationPanel.en;
export type PanelT = PartTranslator<PanelKey>;

/** The moderator panel's own strings (a lazy part: only staff who open the panel download them). */
export function usePanelT(): PanelT {
  return usePartT(moderationPanel);
}
