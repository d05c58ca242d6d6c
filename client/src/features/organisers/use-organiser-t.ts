import { organisers } from '../../i18n/parts/organisers.js';
import { usePartT, type PartTranslator } from '../../i18n/use-part-t.js';

export type OrganiserKey = keyof typeof organisers.en;
export type OrganiserT = PartTranslator<OrganiserKey>;

/** The console's own strings (a lazy part: only organisers who open the console download them). */
export function useOrganiserT(): OrganiserT {
  return usePartT(organisers);
}
