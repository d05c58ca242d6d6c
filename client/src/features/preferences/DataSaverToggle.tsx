import { useStore } from '../../app/store.js';
import { useT } from '../../i18n/use-t.js';
import { isDataSaverOn } from '../../lib/preferences-slice.js';

export function DataSaverToggle() {
  const t = useT();
  const on = useStore(isDataSaverOn);
  const auto = useStore((state) => state.dataSaverChoice === 'auto' && state.browserSavesData);
  const setDataSaver = useStore((state) => state.setDataSaver);
  return (
    <div className="data-saver">
      <label>
        <input type="checkbox" checked={on} onChange={(event) => setDataSaver(event.target.checked)} aria-describedby="data-saver-hint" />{' '}
        {t('dataSaver.label')}
      </label>
      <p id="data-saver-hint" className="hint">
        {auto ? t('dataSaver.auto') : t('dataSaver.hint')}
      </p>
    </div>
  );
}
