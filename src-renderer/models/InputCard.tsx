/** One model input in the input builder: its dims (symbolic ones editable) and where its values come from. */
import type { ReactNode } from 'react';
import type { ValueInfo } from '../../src-main/common/onnx/model-types';
import { IMAGE_PRESETS, type ImagePreset } from '../../src-main/common/tensor/tensor-types';
import { formatShape, formatType } from './format';
import { imageApplies, imageDims, isEditableDim, withPreset, type ImageForm, type InputForm, type SourceKind } from './input-form';
import { NumberField } from './parts';
import { pickProjectFile } from './pick-file';

const SOURCES: readonly { id: SourceKind; label: string }[] = [
  { id: 'random', label: 'Random' },
  { id: 'zeros', label: 'Zeros' },
  { id: 'ones', label: 'Ones' },
  { id: 'json', label: 'JSON' },
  { id: 'npy', label: '.npy file' },
  { id: 'image', label: 'Image' },
];

const PRESET_LABELS: Readonly<Record<ImagePreset, string>> = { imagenet: 'ImageNet', unit: '[0, 1]', symmetric: '[-1, 1]', raw: 'raw 0..255' };

export function InputCard({ info, form, onChange }: { info: ValueInfo; form: InputForm; onChange: (form: InputForm) => void }) {
  const set = (patch: Partial<InputForm>) => onChange({ ...form, ...patch });
  const shape = info.shape ?? form.dims.map(() => null);
  const image = form.source === 'image';
  return (
    <div className="mv-card" data-input={info.name}>
      <header className="mv-card-header">
        <span className="mv-mono mv-card-name">{info.name}</span>
        <span className="mv-mono muted">{formatType(info)}</span>
        <span className="mv-mono muted">{formatShape(info.shape)}</span>
        <span className="spacer" />
        <label className="mv-inline">
          <span className="muted">Source</span>
          <select className="mv-select" value={form.source} onChange={(e) => set({ source: e.target.value as SourceKind })} aria-label={`Source of ${info.name}`} data-testid="input-source">
            {SOURCES.filter((s) => s.id !== 'image' || imageApplies(info)).map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      </header>
      <div className="mv-dims" aria-label="Dims">
        <span className="muted">Dims</span>
        {image ? (
          <span className="mv-mono">[{imageDims(form.image, shape.length).join(', ')}] (from the image size)</span>
        ) : (
          shape.map((dim, i) =>
            isEditableDim(dim) ? (
              <label key={i} className="mv-dim">
                <span className="mv-dim-name">{typeof dim === 'string' ? dim : `dim ${i}`}</span>
                <NumberField label={`${info.name} ${typeof dim === 'string' ? dim : `dim ${i}`}`} value={form.dims[i] ?? 1} min={1} step={1} width={72} onChange={(v) => set({ dims: form.dims.map((d, j) => (j === i ? v : d)) })} />
              </label>
            ) : (
              <span key={i} className="mv-dim fixed mv-mono">
                {String(dim)}
              </span>
            ),
          )
        )}
      </div>
      <SourceFields info={info} form={form} set={set} />
    </div>
  );
}

function SourceFields({ info, form, set }: { info: ValueInfo; form: InputForm; set: (patch: Partial<InputForm>) => void }) {
  const r = form.random;
  switch (form.source) {
    case 'zeros':
    case 'ones':
      return null;
    case 'random':
      return (
        <div className="mv-row">
          <select className="mv-select" aria-label="Distribution" value={r.distribution} onChange={(e) => set({ random: { ...r, distribution: e.target.value as 'normal' | 'uniform' } })}>
            <option value="normal">normal</option>
            <option value="uniform">uniform</option>
          </select>
          {r.distribution === 'normal' ? (
            <>
              <Labelled label="mean">
                <NumberField label="mean" value={r.mean} width={80} onChange={(mean) => set({ random: { ...r, mean } })} />
              </Labelled>
              <Labelled label="std">
                <NumberField label="std" value={r.std} min={0} width={80} onChange={(std) => set({ random: { ...r, std } })} />
              </Labelled>
            </>
          ) : (
            <>
              <Labelled label="low">
                <NumberField label="low" value={r.low} width={80} onChange={(low) => set({ random: { ...r, low } })} />
              </Labelled>
              <Labelled label="high">
                <NumberField label="high" value={r.high} width={80} onChange={(high) => set({ random: { ...r, high } })} />
              </Labelled>
            </>
          )}
          <Labelled label="seed">
            <NumberField label="seed" value={r.seed} step={1} width={80} onChange={(seed) => set({ random: { ...r, seed } })} />
          </Labelled>
        </div>
      );
    case 'json':
      return (
        <textarea
          className="text-input mv-json"
          aria-label={`JSON values of ${info.name}`}
          placeholder="[[0.1, 0.2, …], …] — nested to the shape, or flat with the right count"
          spellCheck={false}
          value={form.jsonText}
          onChange={(e) => set({ jsonText: e.target.value })}
        />
      );
    case 'npy':
      return <PathField label=".npy file" value={form.npyPath} placeholder="data/input.npy" onChange={(npyPath) => set({ npyPath })} pick={() => pickProjectFile('Pick a .npy file', ['.npy'])} />;
    case 'image':
      return <ImageFields image={form.image} onChange={(image) => set({ image })} />;
  }
}

function ImageFields({ image, onChange }: { image: ImageForm; onChange: (image: ImageForm) => void }) {
  const set = (patch: Partial<ImageForm>) => onChange({ ...image, ...patch });
  const setChannel = (key: 'mean' | 'std', c: number, v: number) => set({ preset: 'custom', [key]: image[key].map((x, i) => (i === c ? v : x)) as unknown as [number, number, number] });
  return (
    <div className="mv-image">
      <PathField label="Image" value={image.path} placeholder="images/cat.jpg" onChange={(path) => set({ path })} pick={() => pickProjectFile('Pick an image', ['.png', '.jpg', '.jpeg'])} />
      <div className="mv-row">
        <Labelled label="width">
          <NumberField label="width" value={image.width} min={1} step={1} width={72} onChange={(width) => set({ width })} />
        </Labelled>
        <Labelled label="height">
          <NumberField label="height" value={image.height} min={1} step={1} width={72} onChange={(height) => set({ height })} />
        </Labelled>
        <Select label="layout" value={image.layout} options={['NCHW', 'NHWC']} onChange={(layout) => set({ layout })} />
        <Select label="channels" value={image.order} options={['RGB', 'BGR']} onChange={(order) => set({ order })} />
        <Select label="fit" value={image.fit} options={['center-crop', 'stretch']} onChange={(fit) => set({ fit })} />
      </div>
      <div className="mv-row">
        <label className="mv-inline">
          <span className="muted">preset</span>
          <select className="mv-select" value={image.preset} onChange={(e) => e.target.value !== 'custom' && onChange(withPreset(image, e.target.value as ImagePreset))}>
            {(Object.keys(IMAGE_PRESETS) as ImagePreset[]).map((p) => (
              <option key={p} value={p}>
                {PRESET_LABELS[p]}
              </option>
            ))}
            <option value="custom">custom</option>
          </select>
        </label>
        <Labelled label="scale">
          <NumberField label="scale" value={image.scale} width={90} onChange={(scale) => set({ scale, preset: 'custom' })} />
        </Labelled>
        {(['mean', 'std'] as const).map((key) => (
          <span key={key} className="mv-inline">
            <span className="muted">{key}</span>
            {[0, 1, 2].map((c) => (
              <NumberField key={c} label={`${key} ${'RGB'[c]}`} value={image[key][c]!} width={70} onChange={(v) => setChannel(key, c, v)} />
            ))}
          </span>
        ))}
      </div>
      <p className="muted mv-hint">value = (pixel × scale − mean) / std, per channel; pixel in 0..255.</p>
    </div>
  );
}

function PathField({ label, value, placeholder, onChange, pick }: { label: string; value: string; placeholder: string; onChange: (v: string) => void; pick: () => Promise<string> }) {
  return (
    <div className="mv-row">
      <input className="text-input mv-path" aria-label={label} placeholder={placeholder} value={value} spellCheck={false} onChange={(e) => onChange(e.target.value)} />
      <button type="button" className="btn" onClick={() => void pick().then(onChange)}>
        Choose…
      </button>
    </div>
  );
}

function Labelled({ label, children }: { label: string; children: ReactNode }) {
  return (
    <span className="mv-inline">
      <span className="muted">{label}</span>
      {children}
    </span>
  );
}

function Select<T extends string>({ label, value, options, onChange }: { label: string; value: T; options: readonly T[]; onChange: (v: T) => void }) {
  return (
    <label className="mv-inline">
      <span className="muted">{label}</span>
      <select className="mv-select" value={value} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}
